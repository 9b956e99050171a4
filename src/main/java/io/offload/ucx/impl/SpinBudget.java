package io.offload.ucx.impl;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many progress threads of this JVM may busy-spin at once. A spinning thread holds a core;
 * with more spinners than cores (a test or a benchmark with many engines in one JVM on a 2-core
 * machine) they take the cores from the event loops and from each other, and bootstraps time out.
 * The other threads yield instead of spinning. A JVM with one engine (a rank, a service process)
 * always has the budget.
 *
 * <p>Thread safety: safe for any thread.
 */
public final class SpinBudget {

  /** The JVM's budget: one core left to everything else, at least one spinner. */
  static final SpinBudget JVM = new SpinBudget(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

  private final int max;
  private final AtomicInteger spinning = new AtomicInteger();

  public SpinBudget(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("a spin budget needs at least one spinner, got " + max);
    }
    this.max = max;
  }

  /** Takes a spinner's place; false when the budget is spent. */
  boolean tryAcquire() {
    int n;
    do {
      n = spinning.get();
      if (n >= max) {
        return false;
      }
    } while (!spinning.compareAndSet(n, n + 1));
    return true;
  }

  void release() {
    spinning.decrementAndGet();
  }

  int spinning() {
    return spinning.get();
  }
}
