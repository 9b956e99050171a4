package io.offload.notify;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one engine's notifications, read-only outside the library (also exposed through
 * Micrometer by the engine).
 *
 * <p>Thread safety: safe for any thread; reads are racy sums (gauges).
 */
public final class NotifyStats {

  final LongAdder sent = new LongAdder();
  final LongAdder sentBytes = new LongAdder();
  final LongAdder sendFailures = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder receivedBytes = new LongAdder();
  final LongAdder selfDelivered = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder unknownChannel = new LongAdder();
  final LongAdder malformed = new LongAdder();
  final LongAdder pendingDropped = new LongAdder();
  final LongAdder eventsCreated = new LongAdder();
  final LongAdder eventsReused = new LongAdder();

  /** Notifications UCX completed sending. */
  public long sent() {
    return sent.sum();
  }

  /** Payload bytes of those. */
  public long sentBytes() {
    return sentBytes.sum();
  }

  /** Sends that failed. */
  public long sendFailures() {
    return sendFailures.sum();
  }

  /** Notifications received over UCX. */
  public long received() {
    return received.sum();
  }

  /** Payload bytes of those. */
  public long receivedBytes() {
    return receivedBytes.sum();
  }

  /** Self-notifications delivered (never through UCX). */
  public long selfDelivered() {
    return selfDelivered.sum();
  }

  /** Arrivals dropped as duplicates. */
  public long duplicates() {
    return duplicates.sum();
  }

  /** Arrivals for no known channel (a closed peer). */
  public long unknownChannel() {
    return unknownChannel.sum();
  }

  /** Arrivals dropped as malformed. */
  public long malformed() {
    return malformed.sum();
  }

  /** Arrivals dropped because the pending store was full (count or bytes). */
  public long pendingDropped() {
    return pendingDropped.sum();
  }

  /** Send events made (not taken from the pool). */
  public long eventsCreated() {
    return eventsCreated.sum();
  }

  /** Send events taken from the pool. */
  public long eventsReused() {
    return eventsReused.sum();
  }
}
