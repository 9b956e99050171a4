package io.offload.ucx.impl;

/**
 * When the periodic timer wakes a worker that may sleep in {@code waitForEvents()}, which has no
 * timeout and whose wake-ups were seen to stall in older UCX (shared/README §5). The timer ticks
 * every {@link #PERIOD_MILLIS} ms on an event loop and wakes the worker when a task from another
 * thread still waits (its wake-up may have been lost), and every {@link #ANYWAY_EVERY}th tick
 * whatever (an arrival's wake-up may have been lost). An idle engine used to be woken at every
 * tick, with a task: those wake-ups were 60 % of its CPU (0.43 % of a core, 0.17 % without), and
 * 64 idle ranks on 2 cores took a seventh of the machine.
 *
 * <p>Thread safety: the timer's event loop only.
 */
final class PeriodicWake {

  /** How often the timer ticks: bounds what a lost wake-up of a task costs. */
  static final long PERIOD_MILLIS = 200;
  /** Every this many ticks the worker is woken anyway: bounds a lost arrival wake-up (1 s). */
  static final int ANYWAY_EVERY = 5;

  private final ProgressTasks tasks;
  private int ticks;

  PeriodicWake(ProgressTasks tasks) {
    this.tasks = tasks;
  }

  /** A tick: whether to wake the worker now. */
  boolean tick() {
    if (++ticks == ANYWAY_EVERY) {
      ticks = 0;
      return true;
    }
    return tasks.hasRemote();
  }
}
