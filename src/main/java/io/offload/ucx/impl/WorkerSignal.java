package io.offload.ucx.impl;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code signal()} on a worker from other threads, until whoever owns the worker turns it off
 * before closing it: {@link #turnOff} returns only once no signal is in progress, so none reaches
 * a closed worker. The progress thread's executor and a caller-driven engine's both wake their
 * worker through one.
 *
 * <p>Thread safety: {@link #signal} and {@link #queueAndSignal} from any thread; {@link #turnOff}
 * by the worker's owner.
 */
final class WorkerSignal {

  private final Runnable signal;
  /** Set before the worker closes: no more signals. */
  private volatile boolean off;
  /** Threads inside a signal; {@link #turnOff} waits for none. */
  private final AtomicInteger inside = new AtomicInteger();

  WorkerSignal(Runnable signal) {
    this.signal = signal;
  }

  /** Wakes the worker; false, and nothing done, once turned off. */
  boolean signal() {
    return queueAndSignal(null, null);
  }

  /** Queues {@code task} (null: none) on {@code tasks}, then wakes the worker; false, and neither done, once off. */
  boolean queueAndSignal(ProgressTasks tasks, Runnable task) {
    inside.incrementAndGet(); // before reading off: turnOff then waits for this signal, or this sees off
    try {
      if (off) {
        return false;
      }
      if (task != null) {
        tasks.offerRemote(task);
      }
      signal.run();
      return true;
    } finally {
      inside.decrementAndGet();
    }
  }

  /** No more signals; returns once none is in progress (the worker may close then). */
  void turnOff() {
    off = true;
    while (inside.get() != 0) {
      Thread.onSpinWait(); // a signal() in progress: let it finish before the worker goes
    }
  }
}
