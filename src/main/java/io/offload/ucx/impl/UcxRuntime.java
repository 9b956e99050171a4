package io.offload.ucx.impl;

import io.offload.ucx.UcxOptions;
import io.offload.ucx.UcxUnavailableException;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentTerminationException;
import org.openucx.jucx.ucp.UcpAmRecvCallback;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;

/**
 * One UCX context, one worker and the thread that progresses it.
 *
 * <p>Every JUCX call on the worker and its endpoints happens on the progress thread: other
 * threads hand work over with {@link #execute} (a queue plus {@code signal()}), or run Vert.x
 * code on {@link #context()}, the progress thread's own Vert.x context. Results of
 * {@link #call} complete on the caller's Vert.x context.
 *
 * <p>Three ways to get one: {@link #start(Vertx, String, UcxOptions)} makes its own UCX context
 * and worker on a progress thread of its own; {@link #start(Vertx, String, UcxOptions, UcpContext)}
 * makes its worker from the application's context (which it never closes); and
 * {@link #drive} adopts the application's worker: no thread of its own, the application's
 * thread calls {@link #progress()} and is the "progress thread" (caller-driven mode).
 *
 * <p>Close order (shared/README §1): endpoints, then the worker, then the UCX context; closing
 * a worker with an open endpoint aborts the JVM, so the runtime tracks every endpoint it made.
 * An adopted worker or context is never closed.
 */
public final class UcxRuntime {

  static final Logger LOG = LoggerFactory.getLogger(UcxRuntime.class);

  /**
   * How long shutdown waits for every close request to complete. A worker closed with a request
   * still pending aborts the JVM (exit 134), so this is generous: a loaded machine is slow.
   */
  private static final long CLOSE_ALL_NANOS = 15_000_000_000L;

  private final Vertx vertx;
  private final UcxOptions options;
  private final ProgressTasks tasks = new ProgressTasks();
  private final ProgressAgent agent;
  /** Thread mode: the progress thread and its idle strategy. Caller-driven mode: null. */
  private final ThreadDrive thread;
  /** Caller-driven mode: the application's thread and the agent's stepper. Thread mode: null. */
  private final CallerDrive drive;
  /** The context and worker, made here or the application's. */
  private final UcxNative ucx;
  private final Endpoints endpoints;
  private final AmHandlers amHandlers = new AmHandlers();
  /** Opens and closes UCX on the progress thread; holds the worker, the thread's context, the start and stop. */
  private final AgentLifecycle lifecycle;

  private UcxRuntime(Vertx vertx, String name, UcxOptions options, UcpContext adoptedContext, UcpWorker adoptedWorker) {
    this.vertx = vertx;
    this.options = new UcxOptions(options);
    this.ucx = new UcxNative(adoptedContext, adoptedWorker);
    this.endpoints = new Endpoints(this::execute, this::running, this::context);
    this.lifecycle = new AgentLifecycle(vertx, this.options, ucx, tasks, endpoints, amHandlers, CLOSE_ALL_NANOS);
    this.agent = new ProgressAgent("ucx-progress-" + name, tasks, lifecycle::onAgentStart, lifecycle::onAgentClose);
    if (ucx.adoptedWorker == null) {
      this.thread = new ThreadDrive(vertx, name, agent, tasks, this::signal);
      this.drive = null;
    } else {
      this.thread = null;
      this.drive = new CallerDrive(new CallerExecutor(Thread.currentThread(), tasks, this::signal),
          new AgentInvoker(UcxRuntime::onAgentError, null, agent), tasks);
    }
    lifecycle.bind(agent, thread, drive);
  }

  /**
   * Starts the progress thread, which creates the UCX context and worker. The future fails with
   * {@link UcxUnavailableException} when the system UCX library cannot be loaded.
   */
  public static Future<UcxRuntime> start(Vertx vertx, String name, UcxOptions options) {
    return start(vertx, name, options, null);
  }

  /**
   * Starts the progress thread, which creates a worker from {@code context} (the application's,
   * never closed here; null: a context of its own). A context shared with other threads' workers
   * must have been made with {@code setMtWorkersShared(true)}; it needs the AM, RMA, TAG and
   * WAKEUP features.
   */
  public static Future<UcxRuntime> start(Vertx vertx, String name, UcxOptions options, UcpContext context) {
    UcxRuntime runtime = new UcxRuntime(vertx, name, options, context, null);
    runtime.thread.start();
    return runtime.lifecycle.started.future().map(runtime);
  }

  /**
   * Adopts the application's {@code worker} (made from {@code context}; neither is ever closed
   * here) in caller-driven mode: the calling thread becomes this runtime's progress thread and the
   * thread of its {@code EXTERNAL} Vert.x context, and must call {@link #progress()} from now on.
   * Synchronous.
   *
   * @throws IllegalStateException when the calling thread is a Vert.x thread, already runs a
   *                               Vert.x context, or already drives a runtime
   */
  public static UcxRuntime drive(Vertx vertx, String name, UcxOptions options, UcpContext context, UcpWorker worker) {
    if (context == null || worker == null) {
      throw new IllegalArgumentException("caller-driven mode needs the worker and the UCX context it was made from");
    }
    CallerDrive.checkCallerThread();
    UcxRuntime runtime = new UcxRuntime(vertx, name, options, context, worker);
    runtime.drive.start();
    Future<Void> started = runtime.lifecycle.started.future();
    if (!started.succeeded()) {
      runtime.drive.abandon();
      Throwable cause = started.cause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException("cannot start UCX", cause);
    }
    return runtime;
  }

  /** True when the application's thread drives this runtime with {@link #progress()}. */
  public boolean callerDriven() {
    return drive != null;
  }

  /**
   * Caller-driven mode, after {@link #stop()} completed: the owner is done with the application's
   * worker; from now on tasks from other threads are still queued (later {@link #progress()} calls
   * run them) but never {@code signal()} the worker again, so the application may close it. Call on
   * the caller's thread (inside a task of {@link #context()}). No-op in thread mode.
   */
  public void releaseWorker() {
    if (drive != null) {
      checkThread();
      drive.release();
    }
  }

  /**
   * Caller-driven mode: one pass (queued tasks, then {@code worker.progress()}); returns the work
   * done, never blocks. After the runtime stopped it still runs the Vert.x tasks of its context
   * (the listeners of the futures that were waiting for the stop).
   *
   * @throws IllegalStateException in thread mode, or from a thread other than the driving one
   */
  public int progress() {
    if (drive == null) {
      throw new IllegalStateException("this engine has its own progress thread: progress() is for engines that"
          + " adopted the application's worker (caller-driven mode)");
    }
    checkThread();
    return drive.progress();
  }

  private void signal() {
    ucx.signal();
  }

  static void onAgentError(Throwable t) {
    if (!(t instanceof AgentTerminationException)) {
      LOG.error("UCX progress agent failed", t);
    }
  }

  /** The progress thread's idle strategy (sleeps counted), once started. */
  public ProgressIdleStrategy idleStrategy() {
    return thread != null ? thread.idle() : null;
  }

  private boolean running() {
    return lifecycle.running();
  }

  /** The Vert.x context of the progress thread. Handlers running there must never block. */
  public ContextInternal context() {
    return lifecycle.context();
  }

  public boolean onProgressThread() {
    return Thread.currentThread() == progressThread();
  }

  /** The progress thread, or in caller-driven mode the application's thread that drives it. */
  private Thread progressThread() {
    return thread != null ? thread.thread() : drive.thread();
  }

  /** Runs {@code task} on the progress thread (queued behind what is already there). */
  public void execute(Runnable task) {
    if (thread != null) {
      thread.execute(task);
    } else {
      drive.execute(task);
    }
  }

  /** Runs {@code task} on the progress thread; the result completes on the caller's context. */
  public <T> Future<T> call(Callable<T> task) {
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
    Promise<T> promise = caller.promise();
    execute(() -> {
      try {
        promise.complete(task.call());
      } catch (Throwable t) {
        promise.fail(t);
      }
    });
    return promise.future();
  }

  /** This worker's address, to be sent to peers out of band. */
  public byte[] workerAddress() {
    return ucx.address().clone();
  }

  /** The worker itself, for code already running on the progress thread. */
  public UcpWorker worker() {
    checkThread();
    return lifecycle.worker();
  }

  /** The UCX context (for memory registration, which UCX allows from any thread). */
  public UcpContext ucpContext() {
    return ucx.context();
  }

  /** The UCX context, for code on the progress thread (the public accessor's check). */
  public UcpContext checkedUcpContext() {
    checkThread();
    return ucx.context();
  }

  /** Registers an active-message handler. Progress thread only. */
  public void setAmHandler(int amId, UcpAmRecvCallback callback) {
    checkThread();
    amHandlers.set(lifecycle.worker(), amId, callback);
  }

  /** Creates an endpoint to a peer's worker address. Progress thread only. */
  public UcpEndpoint connect(byte[] peerAddress, String name) {
    checkThread();
    return endpoints.connect(lifecycle.worker(), peerAddress, name);
  }

  /**
   * Closes an endpoint: flushes it, or forces it closed when the peer is known dead.
   * Progress thread only; the returned future completes on the progress context.
   */
  public Future<Void> closeEndpoint(UcpEndpoint ep, boolean force) {
    checkThread();
    return endpoints.close(ep, force);
  }

  /**
   * Stops the progress thread after closing every endpoint, then the worker and the context (not
   * an adopted one). Caller-driven: the endpoints close over later {@link #progress()} calls, then
   * the agent ends; the application's worker and context stay open.
   */
  public Future<Void> stop() {
    if (callerDriven()) {
      drive.stop(endpoints, agent, CLOSE_ALL_NANOS);
      return lifecycle.stopped.future();
    }
    Promise<Void> stopped = lifecycle.stopped;
    if (thread.isAlive() && lifecycle.running()) {
      execute(() -> {
        thread.cancelPeriodicWake();
        lifecycle.stopping();
        agent.requestStop();
      });
    } else if (!thread.isAlive() && !stopped.future().isComplete()) {
      stopped.tryComplete();
    }
    return stopped.future();
  }

  private void checkThread() {
    Thread t = progressThread();
    if (Thread.currentThread() != t) {
      throw new IllegalStateException("JUCX calls on this worker must run on its progress thread ("
          + t.getName() + "), not on " + Thread.currentThread().getName());
    }
  }
}
