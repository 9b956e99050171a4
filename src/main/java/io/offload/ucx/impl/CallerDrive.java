package io.offload.ucx.impl;

import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.agrona.concurrent.AgentInvoker;
import org.openucx.jucx.ucp.UcpRequest;

import java.util.ArrayList;
import java.util.List;

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

  /**
   * Wakes the application's thread now and then ({@link PeriodicWake}), as thread mode wakes its own:
   * {@code waitForEvents()} has no timeout, and a wake-up UCX loses would otherwise leave an application that
   * sleeps in it asleep for good, with sends of its peers waiting on it. The timer is on an event loop and only
   * signals the worker (nothing queued); it ends itself once the engine terminated.
   */
  void wakePeriodically(Vertx vertx) {
    ContextInternal timers = ((VertxInternal) vertx).createEventLoopContext();
    PeriodicWake wake = new PeriodicWake(tasks);
    timers.runOnContext(v -> vertx.setPeriodic(PeriodicWake.PERIOD_MILLIS, id -> {
      if (terminated) {
        vertx.cancelTimer(id);
      } else if (wake.tick()) {
        caller.wake();
      }
    }));
  }

  /** A caller-driven runtime is made on the application's own thread, which is no Vert.x thread. */
  static void checkCallerThread() {
    if (io.vertx.core.Context.isOnVertxThread() || io.vertx.core.Vertx.currentContext() != null) {
      throw new IllegalStateException("a caller-driven engine must be created on the application's own thread (the"
          + " one that will call progress()), not on a Vert.x thread or inside a Vert.x context: "
          + Thread.currentThread().getName());
    }
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

  /**
   * The staged close, once, one step per pass so that {@code progress()} never blocks: force-closes every endpoint
   * still open, waits for every close request (its own and those already under way), then ends the agent.
   */
  void stop(Endpoints endpoints, ProgressAgent agent, long closeAllNanos) {
    execute(() -> {
      if (!stopAsked) {
        stopAsked = true;
        awaitEndpointsClosed(endpoints, agent, new ArrayList<>(), System.nanoTime() + closeAllNanos, closeAllNanos);
      }
    });
  }

  private void awaitEndpointsClosed(Endpoints endpoints, ProgressAgent agent, List<UcpRequest> requests,
      long deadline, long closeAllNanos) {
    endpoints.forceCloseAll(requests);
    boolean done = endpoints.allClosed(requests);
    if (done || System.nanoTime() > deadline) {
      endpoints.stopWaiting();
      if (!done) {
        UcxRuntime.LOG.error("UCX close requests still pending after {} s: the application must not close its"
            + " worker yet (that would abort the JVM)", closeAllNanos / 1_000_000_000L);
      }
      agent.requestStop();
    } else {
      tasks.offerLocal(() -> awaitEndpointsClosed(endpoints, agent, requests, deadline, closeAllNanos));
    }
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
