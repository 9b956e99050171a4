package io.offload.ucx.impl;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread that progresses one UCX worker (it runs the {@link ProgressAgent}). It is also the
 * executor of a Vert.x {@code EXTERNAL} context (see {@link ProgressExecutorProvider}): Vert.x
 * tasks for that context (timers, promise callbacks from other threads) run at the start of the
 * agent's next pass.
 *
 * <p>Thread safety: {@link #execute} may be called from any thread.
 */
final class ProgressThread extends Thread implements Executor {

  private final ProgressTasks tasks;
  private final Runnable wakeUp;
  /** Set before the worker closes: no more wake-ups, late tasks are dropped. */
  private volatile boolean closed;
  /** Other threads inside {@link #execute}; the worker closes only once none is. */
  private final AtomicInteger waking = new AtomicInteger();

  ProgressThread(String name, Runnable body, ProgressTasks tasks, Runnable wakeUp) {
    super(body, name);
    this.tasks = tasks;
    this.wakeUp = wakeUp;
    setDaemon(true);
  }

  /** Queues a task; from another thread it also wakes the worker so the task runs soon. */
  @Override
  public void execute(Runnable task) {
    if (Thread.currentThread() == this) {
      tasks.offerLocal(task);
      return;
    }
    waking.incrementAndGet();
    try {
      if (closed) {
        // a late completion after shutdown (a Vert.x future listener, say): nothing can run it
        UcxRuntime.LOG.debug("{}: task dropped, the worker is closed", getName());
        return;
      }
      tasks.offerRemote(task);
      wakeUp.run();
    } finally {
      waking.decrementAndGet();
    }
  }

  /** Wakes the worker with nothing queued (any thread but this one); nothing once it is closed. */
  void wake() {
    waking.incrementAndGet();
    try {
      if (!closed) {
        wakeUp.run();
      }
    } finally {
      waking.decrementAndGet();
    }
  }

  /** The worker is about to close: later {@link #execute} calls from other threads are dropped. */
  void markClosed() {
    closed = true;
    while (waking.get() != 0) {
      Thread.onSpinWait(); // a signal() in progress: let it finish before the worker goes
    }
  }
}
