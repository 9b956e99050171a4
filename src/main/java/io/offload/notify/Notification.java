package io.offload.notify;

import io.offload.context.ExecutionContext;
import io.offload.context.RankInfo;
import io.vertx.core.buffer.Buffer;

/**
 * An arriving notification, as handed to a {@link NotificationConsumer}'s handler.
 *
 * <p><b>Lent on the fast path.</b> A handler registered from {@code engine.ucxContext()} runs on
 * the UCX progress thread in the same pass as the arrival and is <em>lent</em> this object and
 * its payload for the duration of the call: both are reused for the next arrival. Keep
 * {@link #copy()} (or copy the payload) to use them later. A handler on any other Vert.x context
 * gets a notification of its own, which it may keep.
 *
 * <p>Thread safety: none; a notification belongs to the handler it is passed to.
 */
public final class Notification {

  private int type;
  private ExecutionContext context;
  private String contextId;
  private int peerId;
  private RankInfo source;
  private long eventId;
  private Buffer payload;

  /** A notification of its own (nothing lent). */
  public Notification(int type, ExecutionContext context, String contextId, int peerId, RankInfo source,
                      long eventId, Buffer payload) {
    set(type, context, contextId, peerId, source, eventId, payload);
  }

  /** Refills a reused instance (library internal: the lent notification of a fast-path pass). */
  Notification set(int type, ExecutionContext context, String contextId, int peerId, RankInfo source, long eventId,
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

  /** Event type. */
  public int type() {
    return type;
  }

  /** The execution context it arrived on (the self context for self-notifications); reply through it. */
  public ExecutionContext context() {
    return context;
  }

  /** Id of {@link #context()}. */
  public String contextId() {
    return contextId;
  }

  /** The sending peer within that context. */
  public int peerId() {
    return peerId;
  }

  /** The sender's rank info, when known. */
  public RankInfo source() {
    return source;
  }

  /** Sequence number of the event from that sender (0, 1, 2, ...). */
  public long eventId() {
    return eventId;
  }

  /** The payload: lent on the fast path (see the class comment), owned otherwise. */
  public Buffer payload() {
    return payload;
  }

  /** A copy of this notification and its payload that the caller owns. */
  public Notification copy() {
    return new Notification(type, context, contextId, peerId, source, eventId, payload.copy());
  }

  @Override
  public String toString() {
    return "Notification[type=" + type + ", context=" + contextId + ", peer=" + peerId + ", event=" + eventId
        + ", " + payload.length() + " B]";
  }
}
