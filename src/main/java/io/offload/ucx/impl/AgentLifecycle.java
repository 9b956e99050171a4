package io.offload.ucx.impl;

import io.offload.ucx.UcxOptions;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.openucx.jucx.ucp.UcpWorker;

/**
 * The runtime's start and end on the progress thread, as the agent's start and close hooks. UCX is opened there
 * (its start-up can take 100s of ms: never on an event loop), then the thread's Vert.x context is taken; after the
 * last pass the endpoints close, then the worker, then the context (only what the runtime made itself).
 *
 * <p>Thread safety: the hooks run on the progress thread; {@link #running} and {@link #context} are read anywhere.
 */
final class AgentLifecycle {

  private final Vertx vertx;
  private final UcxOptions options;
  private final UcxNative ucx;
  private final ProgressTasks tasks;
  private final Endpoints endpoints;
  private final AmHandlers amHandlers;
  private final long closeAllNanos;
  private ProgressAgent agent;
  /** One of the two is null: thread mode or caller-driven mode. */
  private ThreadDrive thread;
  private CallerDrive drive;
  final Promise<Void> started = Promise.promise();
  final Promise<Void> stopped = Promise.promise();
  private volatile boolean running = true;
  private volatile ContextInternal context;
  private UcpWorker worker;
  private boolean opened;

  AgentLifecycle(Vertx vertx, UcxOptions options, UcxNative ucx, ProgressTasks tasks, Endpoints endpoints,
      AmHandlers amHandlers, long closeAllNanos) {
    this.vertx = vertx;
    this.options = options;
    this.ucx = ucx;
    this.tasks = tasks;
    this.endpoints = endpoints;
    this.amHandlers = amHandlers;
    this.closeAllNanos = closeAllNanos;
  }

  /** The agent and its driver are made after the hooks they call: bound once, before the agent starts. */
  void bind(ProgressAgent agent, ThreadDrive thread, CallerDrive drive) {
    this.agent = agent;
    this.thread = thread;
    this.drive = drive;
  }

  boolean running() {
    return running;
  }

  /** The agent is asked to stop: no endpoint may be made from now on. */
  void stopping() {
    running = false;
  }

  ContextInternal context() {
    return context;
  }

  UcpWorker worker() {
    return worker;
  }

  private boolean openNative() {
    Throwable failure = ucx.open(drive != null);
    if (failure != null) {
      started.fail(failure);
      return false;
    }
    worker = ucx.worker();
    if (thread != null) {
      thread.opened(options, worker);
    }
    return true;
  }

  /** On the progress thread, before the first pass: UCX, then the thread's Vert.x context. */
  void onAgentStart() {
    if (!openNative()) {
      agent.requestStop();
      return;
    }
    opened = true;
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    if (ctx.threadingModel() != ThreadingModel.EXTERNAL) {
      started.fail(new IllegalStateException("the UCX progress thread did not get an EXTERNAL Vert.x context; is "
          + ProgressExecutorProvider.class.getName() + " registered in META-INF/services?"));
      agent.requestStop();
      return;
    }
    context = ctx;
    agent.attach(worker, ctx);
    if (thread != null) {
      thread.wakePeriodically();
      tasks.run();
    } else {
      drive.wakePeriodically(vertx);
    }
    started.complete();
  }

  /** On the progress thread, after the last pass: endpoints, then the worker, then the context. */
  void onAgentClose() {
    running = false;
    if (thread != null) {
      thread.releaseIdle();
    }
    if (!opened) {
      stopped.tryComplete();
      return;
    }
    if (drive != null) {
      // the staged close (stop()) closed the endpoints already; the worker and context are the application's
      amHandlers.removeAll(worker);
      drive.terminated();
      stopped.tryComplete();
      return;
    }
    thread.closeUcx(endpoints, worker, ucx, closeAllNanos);
    stopped.tryComplete();
  }
}
