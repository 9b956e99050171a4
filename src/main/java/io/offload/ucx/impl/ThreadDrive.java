package io.offload.ucx.impl;

import io.offload.ucx.UcxOptions;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.agrona.concurrent.AgentRunner;
import org.openucx.jucx.ucp.UcpWorker;

/**
 * Thread mode: the runtime's own progress thread runs the agent under the idle strategy, which waits on the worker
 * and so is made on that thread once UCX is open; a periodic timer wakes the worker now and then. The counterpart
 * of {@link CallerDrive}.
 *
 * <p>Thread safety: {@link #execute} from any thread; the rest on the progress thread, except {@link #start}.
 */
final class ThreadDrive {

  private final Vertx vertx;
  private final ProgressThread thread;
  private final PeriodicWake wake;
  private ProgressIdleStrategy idle;
  private volatile long periodicWake = -1;

  ThreadDrive(Vertx vertx, String name, ProgressAgent agent, ProgressTasks tasks, Runnable signal) {
    this.vertx = vertx;
    // The runner's idle strategy is a shim: the real one needs the worker, made on the thread.
    AgentRunner runner = new AgentRunner(new IdleShim(() -> idle), UcxRuntime::onAgentError, null, agent);
    this.thread = new ProgressThread("ucx-progress-" + name, runner, tasks, signal);
    this.wake = new PeriodicWake(tasks);
  }

  void start() {
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  void execute(Runnable task) {
    thread.execute(task);
  }

  /** UCX is open: the idle strategy can wait on the worker. */
  void opened(UcxOptions options, UcpWorker worker) {
    idle = ProgressIdleStrategy.of(options, worker::waitForEvents);
  }

  ProgressIdleStrategy idle() {
    return idle;
  }

  /**
   * Wakes the worker now and then ({@link PeriodicWake}): the timer is on an event loop of its own
   * and only signals the worker, so a wake-up runs no task and starts no spin window (the idle
   * strategy gives a wake-up with nothing to do a grace, not a window).
   */
  void wakePeriodically() {
    ContextInternal timers = ((VertxInternal) vertx).createEventLoopContext();
    timers.runOnContext(v -> periodicWake = vertx.setPeriodic(PeriodicWake.PERIOD_MILLIS, id -> {
      if (!thread.isAlive()) {
        vertx.cancelTimer(id); // a cancel that came before the timer was set
      } else if (wake.tick()) {
        thread.wake();
      }
    }));
  }

  /** The agent is about to stop: no more wake-ups. */
  void cancelPeriodicWake() {
    if (periodicWake >= 0) {
      vertx.cancelTimer(periodicWake);
    }
  }

  /** The agent has done its last pass: the idle strategy lets go of its waits. */
  void releaseIdle() {
    if (idle != null) {
      idle.release();
    }
  }

  /**
   * Closes the endpoints, then the worker and context; if a close request is still pending at the deadline they are
   * left open, since closing them then would abort the JVM.
   */
  void closeUcx(Endpoints endpoints, UcpWorker worker, UcxNative ucx, long closeAllNanos) {
    if (endpoints.closeAll(worker, System.nanoTime() + closeAllNanos)) {
      thread.markClosed();
      ucx.close();
    } else {
      thread.markClosed();
      UcxRuntime.LOG.error("UCX close requests still pending after {} s: the UCX worker and context are left open"
          + " (closing them now would abort the JVM)", closeAllNanos / 1_000_000_000L);
    }
  }
}
