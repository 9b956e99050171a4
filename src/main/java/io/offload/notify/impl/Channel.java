package io.offload.notify.impl;

import io.offload.notify.Notification;
import io.offload.notify.NotificationException;

import io.offload.topology.RankInfo;
import io.vertx.core.buffer.Buffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.openucx.jucx.ucp.UcpEndpoint;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The UCX side of one peer: its endpoint, the sends in flight and queued behind them (flow
 * control), and the receive sequence that keeps per-sender order.
 *
 * <p>Thread safety: owned by the progress thread, except the volatile identity fields that the
 * bootstrap sets before the peer can be reached.
 */
public final class Channel<O> {

  private final NotificationService<O> service;
  private final int id;
  private final Routes routes;
  private final String contextId;
  private final int peerId;
  private volatile RankInfo remoteRank;
  private volatile int remoteId = -1;
  private volatile String failure;
  private volatile O owner;

  private UcpEndpoint endpoint;
  private long nextSendId;
  private long nextReceiveId;
  private final ArrayDeque<SendEvent> queued = new ArrayDeque<>();
  private final List<SendEvent> inFlight = new ArrayList<>();
  /** Arrivals ahead of their turn (a rendezvous still receiving before them). */
  private final Long2ObjectHashMap<Notification> early = new Long2ObjectHashMap<>();

  Channel(NotificationService<O> service, int id, Routes routes, int peerId) {
    this.service = service;
    this.id = id;
    this.routes = routes;
    this.contextId = routes.contextId;
    this.peerId = peerId;
  }

  /** Where this channel's arrivals are delivered. */
  Routes routes() {
    return routes;
  }

  /** Local id; the peer puts it in the header of every notification to us. */
  public int id() {
    return id;
  }

  public String contextId() {
    return contextId;
  }

  public int peerId() {
    return peerId;
  }

  /** Whoever the channel belongs to (the context's peer); what the library's internal handlers are given. */
  public O owner() {
    return owner;
  }

  public void owner(O owner) {
    this.owner = owner;
  }

  public RankInfo remoteRank() {
    return remoteRank;
  }

  public void remoteRank(RankInfo rank) {
    this.remoteRank = rank;
  }

  /** The peer's id for this relationship, learned during bootstrap. */
  public void remoteId(int remoteId) {
    this.remoteId = remoteId;
  }

  /** The endpoint, once made. Progress thread only. */
  public UcpEndpoint endpoint() {
    return endpoint;
  }

  /** Progress thread only. */
  public void endpoint(UcpEndpoint endpoint) {
    this.endpoint = endpoint;
    pump();
  }

  public int inFlight() {
    return inFlight.size();
  }

  public int queued() {
    return queued.size();
  }

  // ------------------------------------------------------------------ sending (progress thread)

  void submit(SendEvent event) {
    event.channel = this;
    if (failure != null) {
      service.finish(event, new NotificationException(failure));
      return;
    }
    if (queued.size() >= service.maxQueued()) {
      service.finish(event, new NotificationException(queued.size() + " sends already wait for peer " + peerId
          + " of " + contextId + " (maxQueued): the peer does not keep up; retry later"));
      return;
    }
    queued.add(event);
    pump();
  }

  private void pump() {
    while (endpoint != null && failure == null && inFlight.size() < service.maxInFlight() && !queued.isEmpty()) {
      post(queued.poll());
    }
  }

  private void post(SendEvent e) {
    AmHeader.write(e.header, remoteId, e.type, nextSendId++, e.payloadSize, id);
    inFlight.add(e);
    try {
      endpoint.sendAmNonBlocking(AmHeader.AM_ID, e.headerAddress, AmHeader.LENGTH, e.payloadAddress, e.payloadSize, 0, e);
    } catch (Throwable t) {
      completed(e, new NotificationException("UCX refused the send: " + t.getMessage()));
    }
  }

  void completed(SendEvent e, Throwable error) {
    if (inFlight.remove(e)) {
      service.finish(e, error);
    }
    pump();
  }

  /**
   * Fails every queued and in-flight send with {@code reason}; later sends fail at once.
   * Progress thread only.
   */
  public void fail(String reason) {
    if (failure != null) {
      return;
    }
    failure = reason;
    NotificationException error = new NotificationException(reason);
    SendEvent e;
    while ((e = queued.poll()) != null) {
      service.finish(e, error);
    }
    for (SendEvent flying : inFlight) {
      flying.abandoned = true; // UCX may still read its buffers: do not pool it again
      flying.promise.tryFail(error);
    }
    inFlight.clear();
    early.values().forEach(n -> AllocatedPayload.releaseIfAllocated(n.payload()));
    early.clear();
  }

  // ------------------------------------------------------------------ receiving (progress thread)

  /**
   * An arrival, in any order: delivered at its turn. {@code lent}: {@code payload} is reused
   * once this returns, so an arrival ahead of its turn is copied to wait.
   */
  void arrived(int type, long eventId, Buffer payload, boolean lent) {
    if (eventId < nextReceiveId || (!early.isEmpty() && early.containsKey(eventId))) {
      service.counters().duplicates.increment();
      AllocatedPayload.releaseIfAllocated(payload);
      return;
    }
    if (eventId != nextReceiveId) {
      early.put(eventId, new NotificationImpl(type, routes.context, contextId, peerId, remoteRank, eventId,
          lent ? payload.copy() : payload));
      return;
    }
    service.dispatch(this, type, eventId, payload, lent);
    nextReceiveId++;
    Notification n;
    while (!early.isEmpty() && (n = early.remove(nextReceiveId)) != null) {
      service.dispatch(this, n.type(), n.eventId(), n.payload(), false);
      nextReceiveId++;
    }
  }

  @Override
  public String toString() {
    return "channel " + id + " (" + contextId + "/peer " + peerId + ")";
  }
}
