package io.offload.ucx;

/**
 * What the progress thread does when a pass found no work: spin briefly, yield a few times,
 * then sleep in {@code waitForEvents()} until UCX or {@code signal()} wakes it. The model is
 * Agrona's {@code BackoffIdleStrategy}; the last stage is UCX's own wait so that arrivals wake
 * the thread. On a 2-core machine spinning forever starves the event loops (shared/README §1).
 */
final class IdleStrategy {

  private final int maxSpins;
  private final int maxYields;
  private final Runnable sleep;
  private int idle;

  IdleStrategy(int maxSpins, int maxYields, Runnable sleep) {
    this.maxSpins = maxSpins;
    this.maxYields = maxYields;
    this.sleep = sleep;
  }

  void idle(int workCount) {
    if (workCount > 0) {
      idle = 0;
      return;
    }
    idle++;
    if (idle <= maxSpins) {
      Thread.onSpinWait();
    } else if (idle <= maxSpins + maxYields) {
      Thread.yield();
    } else {
      sleep.run();
      idle = 0;
    }
  }
}
