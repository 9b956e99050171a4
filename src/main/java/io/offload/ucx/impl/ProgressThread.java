package io.offload.ucx.impl;

import java.util.concurrent.Executor;

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
  /** Turned off before the worker closes: no more wake-ups, late tasks are dropped. */
  private final WorkerSignal signal;

  ProgressThread(String name, Runnable body, ProgressTasks tasks, Runnable wakeUp) {
    super(body, name);
    this.tasks = tasks;
    this.signal = new WorkerSignal(wakeUp);
    setDaemon(true);
  }

  /** Queues a task; from another thread it also wakes the worker so the task runs soon. */
  @Override
  public void execute(Runnable task) {
    if (Thread.currentThread() == this) {
      tasks.offerLocal(task);
      return;
    }
    if (!signal.queueAndSignal(tasks, task)) {
      // a late completion after shutdown (a Vert.x future listener, say): nothing can run it
      UcxRuntime.LOG.debug("{}: task dropped, the worker is closed", getName());
    }
  }

  /** Wakes the worker with nothing queued (any thread but this one); nothing once it is closed. */
  void wake() {
    signal.signal();
  }

  /** The worker is about to close: later {@link #execute} calls from other threads are dropped. */
  void markClosed() {
    signal.turnOff();
  }
}
