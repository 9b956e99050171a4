package io.offload.notify;

/**
 * Counters of one engine's notifications, read-only outside the library (also exposed through
 * Micrometer by the engine).
 *
 * <p>Thread safety: safe for any thread; reads are racy sums (gauges).
 */
public interface NotifyStats {

  /** Notifications UCX completed sending. */
  long sent();

  /** Payload bytes of those. */
  long sentBytes();

  /** Sends that failed. */
  long sendFailures();

  /** Notifications received over UCX. */
  long received();

  /** Payload bytes of those. */
  long receivedBytes();

  /** Self-notifications delivered (never through UCX). */
  long selfDelivered();

  /** Arrivals dropped as duplicates. */
  long duplicates();

  /** Arrivals for no known channel (a closed peer). */
  long unknownChannel();

  /** Arrivals dropped as malformed. */
  long malformed();

  /** Arrivals dropped because the pending store was full (count or bytes). */
  long pendingDropped();

  /** Send events made (not taken from the pool). */
  long eventsCreated();

  /** Send events taken from the pool. */
  long eventsReused();

  /**
   * Buffers made for rendezvous (large) arrivals because the engine's pool had none free. It
   * stops growing once the pool holds as many as arrive at once (up to 16 MiB of them).
   */
  long receiveBuffersMade();

  /** Gauge: sends UCX holds now, over all peers. */
  int inFlight();

  /** Gauge: sends waiting for a flow-control slot, over all peers. */
  int queued();

  /** Gauge: notifications kept because no consumer was registered for their type yet. */
  int pending();

  /** Gauge: open notification channels (one per peer with a UCX side). */
  int channels();
}
