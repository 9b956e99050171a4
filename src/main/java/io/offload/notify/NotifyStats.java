package io.offload.notify;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one engine's notifications. Exposed through Micrometer by the engine. */
public final class NotifyStats {

  public final LongAdder sent = new LongAdder();
  public final LongAdder sentBytes = new LongAdder();
  public final LongAdder sendFailures = new LongAdder();
  public final LongAdder received = new LongAdder();
  public final LongAdder receivedBytes = new LongAdder();
  public final LongAdder selfDelivered = new LongAdder();
  public final LongAdder duplicates = new LongAdder();
  public final LongAdder unknownChannel = new LongAdder();
  public final LongAdder malformed = new LongAdder();
  public final LongAdder pendingDropped = new LongAdder();
  public final LongAdder eventsCreated = new LongAdder();
  public final LongAdder eventsReused = new LongAdder();
}
