package io.offload.notify.impl;

import io.offload.notify.NotifyStats;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link NotifyStats}: written by the notification service, read through the interface. */
final class StatsCounters implements NotifyStats {

  private final NotificationService<?> gauges;
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
  final LongAdder receiveBuffersMade = new LongAdder();

  @Override
  public long sent() {
    return sent.sum();
  }

  @Override
  public long sentBytes() {
    return sentBytes.sum();
  }

  @Override
  public long sendFailures() {
    return sendFailures.sum();
  }

  @Override
  public long received() {
    return received.sum();
  }

  @Override
  public long receivedBytes() {
    return receivedBytes.sum();
  }

  @Override
  public long selfDelivered() {
    return selfDelivered.sum();
  }

  @Override
  public long duplicates() {
    return duplicates.sum();
  }

  @Override
  public long unknownChannel() {
    return unknownChannel.sum();
  }

  @Override
  public long malformed() {
    return malformed.sum();
  }

  @Override
  public long pendingDropped() {
    return pendingDropped.sum();
  }

  @Override
  public long eventsCreated() {
    return eventsCreated.sum();
  }

  @Override
  public long eventsReused() {
    return eventsReused.sum();
  }

  @Override
  public long receiveBuffersMade() {
    return receiveBuffersMade.sum();
  }

  StatsCounters(NotificationService<?> gauges) {
    this.gauges = gauges;
  }

  @Override
  public int inFlight() {
    return gauges.inFlight();
  }

  @Override
  public int queued() {
    return gauges.queued();
  }

  @Override
  public int pending() {
    return gauges.pendingCount();
  }

  @Override
  public int channels() {
    return gauges.channelCount();
  }
}
