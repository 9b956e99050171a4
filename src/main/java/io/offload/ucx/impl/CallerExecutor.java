package io.offload.ucx.impl;

import java.util.concurrent.Executor;

/**
 * The executor of a caller-driven engine's {@code EXTERNAL} Vert.x context: the application's
 * thread, the one that calls {@code progress()}. Tasks it queues for itself wait for its next
 * {@code progress()} call; tasks from other threads are queued and {@code signal()} the worker,
 * so an application sleeping in {@code waitForEvents()} wakes up to run them.
 *
 * <p>Thread safety: {@link #execute} from any thread; {@link #release} on the caller's thread
 * (the engine's last task, {@code UcxRuntime.releaseWorker()}).
 */
final class CallerExecutor implements Executor {

  private final Thread thread;
  private final ProgressTasks tasks;
  /** Turned off once the engine let go of the worker: no more {@code signal()} on it. */
  private final WorkerSignal signal;

  CallerExecutor(Thread thread, ProgressTasks tasks, Runnable wakeUp) {
    this.thread = thread;
    this.tasks = tasks;
    this.signal = new WorkerSignal(wakeUp);
  }

  Thread thread() {
    return thread;
  }

  @Override
  public void execute(Runnable task) {
    if (Thread.currentThread() == thread) {
      tasks.offerLocal(task);
      return;
    }
    tasks.offerRemote(task);
    wake();
  }

  /** Wakes the application from {@code waitForEvents()} with nothing queued (any thread but the caller's). */
  void wake() {
    signal.signal();
  }

  /**
   * The engine is done with the worker (the application may close it now): tasks are still
   * queued (the application's later {@code progress()} calls run them) but never signal again.
   */
  void release() {
    signal.turnOff(); // a signal() in progress finishes before the application closes the worker
  }
}
