package io.offload.ucx.impl;

import io.offload.ucx.UcxOptions;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What the progress thread does when a pass found no work, chosen by how long ago the last work
 * was, not by how many idle passes there were: busy-spin for {@code spinNanos}, then yield until
 * {@code spinNanos + yieldNanos}, then sleep in UCX's {@code waitForEvents()} until an arrival or
 * {@code signal()} wakes it. A count of passes made the window depend on how long one
 * {@code progress()} call took, and a ping-pong fell into a state where both sides slept before
 * every message (shared/README §6). With a time window, a reply that arrives within it never finds
 * the thread asleep.
 *
 * <p>The window counts only time the thread was running: a gap of more than
 * {@link #PREEMPTED_NANOS} between two idle passes (the thread was descheduled: a loaded machine
 * gives other threads time slices of milliseconds) is not counted, so a thread that comes back
 * from one still spins for its peer's reply instead of going straight to sleep. Only a gap after
 * work or after a spin counts as descheduled, and at most {@link #MAX_DISCOUNTS} times per idle
 * period: a gap after a yield is the yield doing what it should (it gave the core away), and on a
 * machine with more runnable threads than cores every pass is such a gap, so a thread that yields
 * (or spins) and discounted them all would never sleep (seen: 18 engines in one JVM on 2 cores,
 * every progress thread awake for good, each getting a slice of the cores the work needed).
 *
 * <p>Spinning takes a place in a {@link SpinBudget} (by default one per core but one, over the
 * JVM): a thread that finds the budget spent yields instead for the window (it stays awake, as a
 * rendezvous in progress may need it, but gives its core to whoever needs one), then sleeps.
 * Busy-poll (a window of {@code Long.MAX_VALUE}) is an explicit choice and ignores the budget.
 *
 * <p>Thread safety: used by the one thread that runs the agent.
 */
public final class ProgressIdleStrategy implements IdleStrategy {

  private final long spinNanos;
  private final long yieldUntilNanos;
  private final LongSupplier clock;
  private final Runnable sleep;
  /** Two idle passes further apart than this: the thread was not running in between. */
  static final long PREEMPTED_NANOS = 50_000;
  /** Gaps discounted in one idle period, at most. */
  static final int MAX_DISCOUNTS = 16;
  /**
   * After waking, how long the thread stays awake for work that has not shown yet; work restarts
   * the whole window. A wake-up with nothing to do (UCX's wait returns once more after a signal,
   * the periodic wake-up) then costs this, not a whole window: measured, an idle engine woke 10
   * times a second and spun 0.55 ms each time (0.55 % of a core) with a full window after each.
   */
  static final long WAKE_GRACE_NANOS = 50_000;

  private final SpinBudget budget;
  private boolean spinSlot;
  private long lastWork;
  private long lastPass;
  private long sleeps;
  /** The last idle pass yielded (its gap is not a preemption). */
  private boolean yielded;
  private int discounts;
  /** Sleep at the next idle pass, whatever the window says ({@link #restAtNextIdle}). */
  private boolean rest;

  /** The strategy {@code options} describe, sleeping with {@code sleep}. */
  public static ProgressIdleStrategy of(UcxOptions options, Runnable sleep) {
    long spin = options.isBusyPoll() ? Long.MAX_VALUE : TimeUnit.MICROSECONDS.toNanos(options.getSpinMicros());
    return new ProgressIdleStrategy(spin, TimeUnit.MICROSECONDS.toNanos(options.getYieldMicros()), System::nanoTime,
        sleep);
  }

  /**
   * @param spinNanos  busy-spin this long after the last work ({@code Long.MAX_VALUE}: never sleep)
   * @param yieldNanos then yield this long before sleeping
   * @param clock      nanosecond clock ({@code System::nanoTime}; tests step their own)
   * @param sleep      blocks until woken ({@code worker::waitForEvents})
   */
  public ProgressIdleStrategy(long spinNanos, long yieldNanos, LongSupplier clock, Runnable sleep) {
    this(spinNanos, yieldNanos, clock, sleep, spinNanos == Long.MAX_VALUE ? null : SpinBudget.JVM);
  }

  /** As above, spinning within {@code budget} (null: no budget). */
  public ProgressIdleStrategy(long spinNanos, long yieldNanos, LongSupplier clock, Runnable sleep,
                              SpinBudget budget) {
    if (spinNanos < 0 || yieldNanos < 0) {
      throw new IllegalArgumentException("spin and yield windows must be >= 0, got " + spinNanos + ", " + yieldNanos);
    }
    this.spinNanos = spinNanos;
    this.yieldUntilNanos = spinNanos > Long.MAX_VALUE - yieldNanos ? Long.MAX_VALUE : spinNanos + yieldNanos;
    this.clock = clock;
    this.sleep = sleep;
    this.budget = budget;
    this.lastWork = clock.getAsLong();
    this.lastPass = lastWork;
  }

  @Override
  public void idle(int workCount) {
    long now = clock.getAsLong();
    long sinceLastPass = now - lastPass;
    lastPass = now;
    if (workCount > 0) {
      lastWork = now;
      yielded = false;
      discounts = 0;
      return;
    }
    if (sinceLastPass > PREEMPTED_NANOS && !yielded && discounts < MAX_DISCOUNTS) {
      lastWork += sinceLastPass; // descheduled: that time does not count against the window
      discounts++;
    }
    if (rest) {
      rest = false;
      sleepNow();
      return;
    }
    long idleFor = now - lastWork;
    yielded = false;
    if (idleFor < spinNanos) {
      if (spinSlot || budget == null || (spinSlot = budget.tryAcquire())) {
        Thread.onSpinWait();
      } else {
        yielded = true;
        Thread.yield(); // no place to spin: stay awake (a transfer may need us) but give the core away
      }
    } else if (idleFor < yieldUntilNanos) {
      yielded = true;
      Thread.yield();
    } else {
      sleepNow();
    }
  }

  private void sleepNow() {
    release();
    sleeps++;
    sleep.run();
    lastPass = clock.getAsLong();
    // woken: what woke us shows within a pass or two (then the whole window starts again); a grace, not a window
    lastWork = lastPass - Math.max(0, Math.min(spinNanos, yieldUntilNanos) - WAKE_GRACE_NANOS);
    discounts = 0;
  }

  /**
   * The thread has handed work off and expects nothing for a long while (a rank that submitted an
   * offloaded operation, completed in milliseconds): its next idle pass sleeps at once instead of
   * spinning for its window, leaving the core to the application. Anything arriving wakes it.
   * No effect on busy-poll. The progress thread only.
   */
  public void restAtNextIdle() {
    if (spinNanos != Long.MAX_VALUE) {
      rest = true;
    }
  }

  @Override
  public void idle() {
    idle(0);
  }

  @Override
  public void reset() {
    lastWork = lastPass = clock.getAsLong();
    yielded = false;
    discounts = 0;
  }

  /** Gives the spinner's place back (the thread sleeps, or its agent ends). */
  public void release() {
    if (spinSlot) {
      spinSlot = false;
      budget.release();
    }
  }

  /** How many times the thread went to sleep (for tests and the bench's hop table). */
  public long sleeps() {
    return sleeps;
  }

  @Override
  public String alias() {
    return "ucx-progress";
  }
}
