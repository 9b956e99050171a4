package io.offload.ucx.impl;

import org.agrona.concurrent.AgentInvoker;

/**
 * Caller-driven mode: the application's thread runs the agent, one pass per {@code progress()}
 * call, and is the thread of the runtime's Vert.x context ({@link CallerExecutor}).
 *
 * <p>Thread safety: the driving thread, except {@link #execute} (any thread).
 */
final class CallerDrive {

  private final CallerExecutor caller;
  private final AgentInvoker invoker;
  private final ProgressTasks tasks;
  /** stop() was asked (the staged close runs in progress() calls). */
  private boolean stopAsked;
  /** Inside a progress() call (no re-entry from a handler). */
  private boolean inProgress;
  /** The agent has closed; only Vert.x tasks still run, library tasks are dropped. */
  private volatile boolean terminated;

  CallerDrive(CallerExecutor caller, AgentInvoker invoker, ProgressTasks tasks) {
    this.caller = caller;
    this.invoker = invoker;
    this.tasks = tasks;
  }

  /** Makes the calling thread the driver: its Vert.x context becomes the runtime's; then starts the agent. */
  void start() {
    Thread me = Thread.currentThread();
    if (!ProgressExecutorProvider.register(me, caller)) {
      throw new IllegalStateException("thread " + me.getName() + " already drives an engine; one per thread");
    }
    invoker.start();
  }

  /** Undoes {@link #start()} after a failed start. */
  void abandon() {
    ProgressExecutorProvider.unregister(caller.thread(), caller);
    if (!invoker.isClosed()) {
      invoker.close();
    }
  }

  Thread thread() {
    return caller.thread();
  }

  /** One pass: queued tasks, then the worker; after the agent closed, the Vert.x tasks only. */
  int progress() {
    if (inProgress) {
      throw new IllegalStateException("progress() called from inside progress() (a handler must not progress)");
    }
    inProgress = true;
    try {
      return !invoker.isClosed() ? invoker.invoke() : tasks.run();
    } finally {
      inProgress = false;
    }
  }

  void execute(Runnable task) {
    if (terminated) {
      UcxRuntime.LOG.debug("task dropped, the caller-driven engine has stopped");
    } else {
      caller.execute(task);
    }
  }

  /** True the first time only: the staged close starts once. */
  boolean firstStop() {
    boolean first = !stopAsked;
    stopAsked = true;
    return first;
  }

  /** The agent closed: tasks from now on are dropped, and the thread drives nothing any more. */
  void terminated() {
    terminated = true;
    ProgressExecutorProvider.unregister(caller.thread(), caller);
  }

  /** The owner is done with the application's worker: never signal it again. */
  void release() {
    caller.release();
  }
}
