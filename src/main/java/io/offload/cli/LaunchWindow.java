package io.offload.cli;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most N rank JVMs starting at once, as a launcher's fan-out limit. A rank holds a place from
 * its start until it is up or exits, whichever comes first: each place is given back once, so a
 * rank that came up and later exited does not widen the window.
 *
 * <p>Thread safety: any thread.
 */
final class LaunchWindow {

  private final Semaphore places;
  /** Places still held, oldest first. */
  private final ConcurrentLinkedQueue<AtomicBoolean> held = new ConcurrentLinkedQueue<>();

  LaunchWindow(int places) {
    this.places = new Semaphore(places);
  }

  /**
   * Waits up to {@code timeoutMs} for a place and returns it; when none came free in time the rank
   * starts anyway (one that neither comes up nor exits is not waited for) with a place that counts
   * for nothing.
   */
  AtomicBoolean enter(long timeoutMs) throws InterruptedException {
    if (!places.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
      return new AtomicBoolean(true);
    }
    AtomicBoolean place = new AtomicBoolean(false);
    held.add(place);
    return place;
  }

  /** A rank is up; the event does not say which, so the oldest place still held is given back. */
  void up() {
    AtomicBoolean place;
    while ((place = held.poll()) != null) {
      if (giveBack(place)) {
        return;
      }
    }
  }

  /** The rank of {@code place} exited: its place is given back unless that was done already. */
  void exited(AtomicBoolean place) {
    if (giveBack(place)) {
      held.remove(place);
    }
  }

  private boolean giveBack(AtomicBoolean place) {
    if (!place.compareAndSet(false, true)) {
      return false;
    }
    places.release();
    return true;
  }

  /** Places free now (tests). */
  int free() {
    return places.availablePermits();
  }
}
