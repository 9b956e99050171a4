package io.offload.notify.impl;

import io.offload.notify.Notification;
import io.offload.notify.Notifier;
import io.offload.topology.RankInfo;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;

/** The one {@link Notification}: a fresh one per arrival, or one reused instance lent per fast-path pass. */
final class NotificationImpl implements Notification {

  private int type;
  private Notifier context;
  private String contextId;
  private int peerId;
  private RankInfo source;
  private long eventId;
  private Buffer payload;

  NotificationImpl(int type, Notifier context, String contextId, int peerId, RankInfo source, long eventId,
                   Buffer payload) {
    set(type, context, contextId, peerId, source, eventId, payload);
  }

  /** Refills a reused instance: the lent notification of a fast-path pass. */
  NotificationImpl set(int type, Notifier context, String contextId, int peerId, RankInfo source, long eventId,
                       Buffer payload) {
    this.type = type;
    this.context = context;
    this.contextId = contextId;
    this.peerId = peerId;
    this.source = source;
    this.eventId = eventId;
    this.payload = payload;
    return this;
  }

  @Override
  public int type() {
    return type;
  }

  @Override
  public Notifier context() {
    return context;
  }

  @Override
  public String contextId() {
    return contextId;
  }

  @Override
  public int peerId() {
    return peerId;
  }

  @Override
  public RankInfo source() {
    return source;
  }

  @Override
  public long eventId() {
    return eventId;
  }

  @Override
  public Buffer payload() {
    return payload;
  }

  @Override
  public ByteBuffer payloadBuffer() {
    AllocatedPayload a = AllocatedPayload.of(payload);
    return a == null ? null : a.memory;
  }

  @Override
  public Notification copy() {
    return new NotificationImpl(type, context, contextId, peerId, source, eventId, payload.copy());
  }

  @Override
  public String toString() {
    return "Notification[type=" + type + ", context=" + contextId + ", peer=" + peerId + ", event=" + eventId
        + ", " + payload.length() + " B]";
  }
}
