package io.offload.ucx.impl;

import io.offload.ucx.UcxOptions;
import io.offload.ucx.UcxSignals;
import io.offload.ucx.UcxUnavailableException;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.ucp.UcpAmRecvCallback;
import org.openucx.jucx.ucp.UcpConstants;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
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

  /** How long shutdown waits for endpoints to flush before it forces them closed. */
  private static final long CLOSE_FLUSH_NANOS = 500_000_000L;
  /**
   * How long shutdown waits for every close request to complete. A worker closed with a request
   * still pending aborts the JVM (exit 134), so this is generous: a loaded machine is slow.
   */
  private static final long CLOSE_ALL_NANOS = 15_000_000_000L;

  private final Vertx vertx;
  private final UcxOptions options;
  private final ProgressTasks tasks = new ProgressTasks();
  private final ProgressAgent agent;
  /** Thread mode: the progress thread. Caller-driven mode: null. */
  private final ProgressThread thread;
  /** Caller-driven mode: the application's thread as a Vert.x executor, and the agent's stepper. */
  private final CallerExecutor caller;
  private final AgentInvoker invoker;
  /** Given by the application: never closed here (null: made here). */
  private final UcpContext adoptedContext;
  private final UcpWorker adoptedWorker;
  // Made on the progress thread (UCX start-up can take 100s of ms: never on an event loop).
  private UcpContext ucpContext;
  private UcpWorker worker;
  private volatile byte[] workerAddress;
  private ProgressIdleStrategy idle;
  private final Set<UcpEndpoint> endpoints = Collections.newSetFromMap(new IdentityHashMap<>());
  /** Close requests not complete yet when their endpoint was given up on; shutdown waits for them. */
  private final List<UcpRequest> pendingCloses = new ArrayList<>();
  private final List<Object> retained = new ArrayList<>(); // callbacks JUCX must not lose to GC
  private final List<Integer> amIds = new ArrayList<>(); // removed from an adopted worker at the end
  private final Promise<Void> started = Promise.promise();
  private final Promise<Void> stopped = Promise.promise();
  private volatile boolean running = true;
  /** False when the (adopted) context has no WAKEUP feature: caller-driven work goes unsignalled. */
  private volatile boolean canSignal = true;
  /** Caller-driven: stop() was asked (the staged close runs in progress() calls). */
  private boolean stopAsked;
  /** Caller-driven: inside a progress() call (no re-entry from a handler). */
  private boolean inProgress;
  /** Caller-driven: the agent has closed; only Vert.x tasks still run, library tasks are dropped. */
  private volatile boolean terminated;
  /** Endpoint closes that have not reached their end yet (see {@link #closeEndpoint}). */
  private int closesInFlight;
  private volatile ContextInternal context;
  private boolean opened;
  private long periodicWake = -1;

  private UcxRuntime(Vertx vertx, String name, UcxOptions options, UcpContext adoptedContext, UcpWorker adoptedWorker) {
    this.vertx = vertx;
    this.options = new UcxOptions(options);
    this.adoptedContext = adoptedContext;
    this.adoptedWorker = adoptedWorker;
    this.agent = new ProgressAgent("ucx-progress-" + name, tasks, this::onAgentStart, this::onAgentClose);
    if (adoptedWorker == null) {
      // The runner's idle strategy is a shim: the real one needs the worker, made on the thread.
      AgentRunner runner = new AgentRunner(new IdleShim(), UcxRuntime::onAgentError, null, agent);
      this.thread = new ProgressThread("ucx-progress-" + name, runner, tasks, this::signal);
      this.caller = null;
      this.invoker = null;
    } else {
      this.thread = null;
      this.caller = new CallerExecutor(Thread.currentThread(), tasks, this::signal);
      this.invoker = new AgentInvoker(UcxRuntime::onAgentError, null, agent);
    }
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
    return runtime.started.future().map(runtime);
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
    Thread me = Thread.currentThread();
    if (io.vertx.core.Context.isOnVertxThread() || Vertx.currentContext() != null) {
      throw new IllegalStateException("a caller-driven engine must be created on the application's own thread (the"
          + " one that will call progress()), not on a Vert.x thread or inside a Vert.x context: " + me.getName());
    }
    UcxRuntime runtime = new UcxRuntime(vertx, name, options, context, worker);
    if (!ProgressExecutorProvider.register(me, runtime.caller)) {
      throw new IllegalStateException("thread " + me.getName() + " already drives an engine; one per thread");
    }
    runtime.invoker.start();
    Future<Void> started = runtime.started.future();
    if (!started.succeeded()) {
      ProgressExecutorProvider.unregister(me, runtime.caller);
      if (!runtime.invoker.isClosed()) {
        runtime.invoker.close();
      }
      Throwable cause = started.cause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException("cannot start UCX", cause);
    }
    return runtime;
  }

  /** True when the application's thread drives this runtime with {@link #progress()}. */
  public boolean callerDriven() {
    return invoker != null;
  }

  /**
   * Caller-driven mode, after {@link #stop()} completed: the owner is done with the application's
   * worker; from now on tasks from other threads are still queued (later {@link #progress()} calls
   * run them) but never {@code signal()} the worker again, so the application may close it. Call on
   * the caller's thread (inside a task of {@link #context()}). No-op in thread mode.
   */
  public void releaseWorker() {
    if (caller != null) {
      checkThread();
      caller.release();
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
    if (invoker == null) {
      throw new IllegalStateException("this engine has its own progress thread: progress() is for engines that"
          + " adopted the application's worker (caller-driven mode)");
    }
    checkThread();
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

  private void signal() {
    UcpWorker w = worker;
    if (w != null && canSignal) {
      w.signal();
    }
  }

  /**
   * An adopted context may lack the WAKEUP feature ({@code signal()} then throws). Thread mode needs
   * it (the thread sleeps in {@code waitForEvents()}): false. Caller-driven mode can do without:
   * other threads' tasks then wait for the application's next {@code progress()} call, unsignalled.
   */
  private boolean checkWakeup() {
    if (adoptedContext == null) {
      return true; // made here with requiredParams()
    }
    try {
      worker.signal(); // at worst, the first waitForEvents() returns at once
      return true;
    } catch (Throwable t) {
      if (!callerDriven()) {
        // close our worker before the caller hears of the failure: it may close its context at once
        worker.close();
        started.fail(new IllegalStateException("the adopted UCX context lacks the WAKEUP feature that the progress "
            + "thread needs to sleep: make it with UcxRuntime.requiredParams() (" + t.getMessage() + ")", t));
        return false;
      }
      canSignal = false;
      LOG.warn("the application's UCX context lacks the WAKEUP feature: work from other threads waits for the next "
          + "progress() call and cannot wake a waitForEvents()");
      return true;
    }
  }

  private static void onAgentError(Throwable t) {
    if (!(t instanceof AgentTerminationException)) {
      LOG.error("UCX progress agent failed", t);
    }
  }

  /** The UCX parameters of a context the runtime makes itself (and that an adopted one needs). */
  public static UcpParams requiredParams() {
    return new UcpParams().requestAmFeature().requestRmaFeature().requestTagFeature().requestWakeupFeature();
  }

  private boolean openNative() {
    try {
      UcxSignals.warnIfUnprotected();
      if (adoptedWorker != null) {
        ucpContext = adoptedContext;
        worker = adoptedWorker;
      } else {
        ucpContext = adoptedContext != null ? adoptedContext : new UcpContext(requiredParams());
        worker = ucpContext.newWorker(new UcpWorkerParams());
      }
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      started.fail(new UcxUnavailableException(e));
      return false;
    } catch (Throwable t) {
      started.fail(new IllegalStateException("cannot start UCX: " + t.getMessage(), t));
      if (ucpContext != null && adoptedContext == null) {
        ucpContext.close();
      }
      return false;
    }
    if (!checkWakeup()) {
      return false;
    }
    ByteBuffer address = worker.getAddress();
    byte[] bytes = new byte[address.remaining()];
    address.get(bytes);
    workerAddress = bytes;
    idle = callerDriven() ? null : ProgressIdleStrategy.of(options, worker::waitForEvents);
    return true;
  }

  /** On the progress thread, before the first pass: UCX, then the thread's Vert.x context. */
  private void onAgentStart() {
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
    if (!callerDriven()) {
      // Wakes the worker now and then: waitForEvents has no timeout and old UCX lost wake-ups.
      ctx.runOnContext(v -> periodicWake = vertx.setPeriodic(200, id -> { }));
      tasks.run();
    }
    started.complete();
  }

  /** On the progress thread, after the last pass: endpoints, then the worker, then the context. */
  private void onAgentClose() {
    running = false;
    if (idle != null) {
      idle.release();
    }
    if (!opened) {
      stopped.tryComplete();
      return;
    }
    if (callerDriven()) {
      // the staged close (stop()) closed the endpoints already; the worker and context are the application's
      for (int amId : amIds) {
        try {
          worker.removeAmRecvHandler(amId);
        } catch (Throwable t) {
          LOG.debug("removing active-message handler {} failed", amId, t);
        }
      }
      terminated = true;
      ProgressExecutorProvider.unregister(caller.thread(), caller);
      stopped.tryComplete();
      return;
    }
    if (closeAllEndpoints()) {
      closeNative();
    } else {
      thread.markClosed();
      LOG.error("UCX close requests still pending after {} s: the UCX worker and context are left open (closing "
          + "them now would abort the JVM)", CLOSE_ALL_NANOS / 1_000_000_000L);
    }
    stopped.tryComplete();
  }

  /** Delegates to the real idle strategy once the worker exists. */
  private final class IdleShim implements IdleStrategy {
    @Override
    public void idle(int workCount) {
      if (idle != null) {
        idle.idle(workCount);
      }
    }

    @Override
    public void idle() {
      idle(0);
    }

    @Override
    public void reset() {
      if (idle != null) {
        idle.reset();
      }
    }
  }

  /** The progress thread's idle strategy (sleeps counted), once started. */
  public ProgressIdleStrategy idleStrategy() {
    return idle;
  }

  /** The Vert.x context of the progress thread. Handlers running there must never block. */
  public ContextInternal context() {
    return context;
  }

  public boolean onProgressThread() {
    return Thread.currentThread() == progressThread();
  }

  /** The progress thread, or in caller-driven mode the application's thread that drives it. */
  private Thread progressThread() {
    return thread != null ? thread : caller.thread();
  }

  /** Runs {@code task} on the progress thread (queued behind what is already there). */
  public void execute(Runnable task) {
    if (thread != null) {
      thread.execute(task);
    } else if (terminated) {
      LOG.debug("task dropped, the caller-driven engine has stopped");
    } else {
      caller.execute(task);
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
    return workerAddress.clone();
  }

  /** The worker itself, for code already running on the progress thread. */
  public UcpWorker worker() {
    checkThread();
    return worker;
  }

  /** The UCX context (for memory registration, which UCX allows from any thread). */
  public UcpContext ucpContext() {
    return ucpContext;
  }

  /** The UCX context, for code on the progress thread (the public accessor's check). */
  public UcpContext checkedUcpContext() {
    checkThread();
    return ucpContext;
  }

  /** Registers an active-message handler. Progress thread only. */
  public void setAmHandler(int amId, UcpAmRecvCallback callback) {
    checkThread();
    retained.add(callback);
    amIds.add(amId);
    worker.setAmRecvHandler(amId, callback, UcpConstants.UCP_AM_FLAG_WHOLE_MSG);
  }

  /** Creates an endpoint to a peer's worker address. Progress thread only. */
  public UcpEndpoint connect(byte[] peerAddress, String name) {
    checkThread();
    ByteBuffer address = ByteBuffer.allocateDirect(peerAddress.length);
    address.put(peerAddress).flip();
    UcpEndpoint ep = worker.newEndpoint(new UcpEndpointParams()
        .setUcpAddress(address)
        .setName(name)
        .setErrorHandler((endpoint, status, message) ->
            LOG.debug("UCX endpoint {} error {}: {}", name, status, message)));
    endpoints.add(ep);
    return ep;
  }

  /**
   * Closes an endpoint: flushes it, or forces it closed when the peer is known dead.
   * Progress thread only; the returned future completes on the progress context.
   */
  public Future<Void> closeEndpoint(UcpEndpoint ep, boolean force) {
    checkThread();
    Promise<Void> done = context.promise();
    if (!endpoints.remove(ep)) {
      done.complete();
      return done.future();
    }
    UcpRequest request;
    try {
      request = force ? ep.closeNonBlockingForce() : ep.closeNonBlockingFlush();
    } catch (Throwable t) {
      LOG.debug("closing endpoint failed", t);
      done.complete();
      return done.future();
    }
    closesInFlight++;
    awaitRequest(request, System.nanoTime() + CLOSE_FLUSH_NANOS, () -> {
      closesInFlight--;
      if (!request.isCompleted()) {
        pendingCloses.add(request);
      }
      if (!request.isCompleted() && !force) {
        endpoints.add(ep);
        closeEndpoint(ep, true).onComplete(done);
      } else {
        done.complete();
      }
    });
    return done.future();
  }

  private void awaitRequest(UcpRequest request, long deadline, Runnable then) {
    if (request.isCompleted() || System.nanoTime() > deadline || !running) {
      then.run();
    } else {
      execute(() -> awaitRequest(request, deadline, then));
    }
  }

  /**
   * Stops the progress thread after closing every endpoint, then the worker and the context (not
   * an adopted one). Caller-driven: the endpoints close over later {@link #progress()} calls, then
   * the agent ends; the application's worker and context stay open.
   */
  public Future<Void> stop() {
    if (callerDriven()) {
      execute(() -> {
        if (!stopAsked) {
          stopAsked = true;
          awaitEndpointsClosed(new ArrayList<>(), System.nanoTime() + CLOSE_ALL_NANOS);
        }
      });
      return stopped.future();
    }
    if (thread.isAlive() && running) {
      execute(() -> {
        if (periodicWake >= 0) {
          vertx.cancelTimer(periodicWake);
        }
        running = false;
        agent.requestStop();
      });
    } else if (!thread.isAlive() && !stopped.future().isComplete()) {
      stopped.tryComplete();
    }
    return stopped.future();
  }

  /**
   * Caller-driven stop, one step per pass so that {@link #progress()} never blocks: force-closes
   * every endpoint still open, waits for every close request (its own and those already under
   * way), then ends the agent.
   */
  private void awaitEndpointsClosed(List<UcpRequest> requests, long deadline) {
    forceCloseAll(requests);
    boolean done = closesInFlight == 0 && requests.stream().allMatch(UcpRequest::isCompleted);
    if (done || System.nanoTime() > deadline) {
      if (!done) {
        LOG.error("UCX close requests still pending after {} s: the application must not close its worker yet"
            + " (that would abort the JVM)", CLOSE_ALL_NANOS / 1_000_000_000L);
      }
      agent.requestStop();
    } else {
      tasks.offerLocal(() -> awaitEndpointsClosed(requests, deadline));
    }
  }

  /** Adds the close requests already under way and force-closes every endpoint still open. */
  private void forceCloseAll(List<UcpRequest> requests) {
    requests.addAll(pendingCloses);
    pendingCloses.clear();
    for (UcpEndpoint ep : endpoints) {
      try {
        requests.add(ep.closeNonBlockingForce());
      } catch (Throwable t) {
        LOG.debug("force close failed", t);
      }
    }
    endpoints.clear();
  }

  /** Force-closes every endpoint and waits for every close request; false if some never completed. */
  private boolean closeAllEndpoints() {
    List<UcpRequest> requests = new ArrayList<>();
    forceCloseAll(requests);
    long deadline = System.nanoTime() + CLOSE_ALL_NANOS;
    while (!requests.stream().allMatch(UcpRequest::isCompleted)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        worker.progress();
      } catch (Throwable e) {
        LOG.warn("UCX worker progress failed while closing endpoints", e);
        return false;
      }
    }
    return true;
  }

  private void closeNative() {
    thread.markClosed();
    try {
      worker.close();
    } catch (Throwable t) {
      LOG.warn("closing UCX worker failed", t);
    }
    if (adoptedContext == null) { // the application's context outlives the engine
      try {
        ucpContext.close();
      } catch (Throwable t) {
        LOG.warn("closing UCX context failed", t);
      }
    }
  }

  private void checkThread() {
    Thread t = progressThread();
    if (Thread.currentThread() != t) {
      throw new IllegalStateException("JUCX calls on this worker must run on its progress thread ("
          + t.getName() + "), not on " + Thread.currentThread().getName());
    }
  }

  /** Completion callback adapter for JUCX requests. */
  public static UcxCallback callback(Runnable onSuccess, java.util.function.BiConsumer<Integer, String> onError) {
    return new UcxCallback() {
      @Override
      public void onSuccess(UcpRequest request) {
        onSuccess.run();
      }

      @Override
      public void onError(int status, String message) {
        onError.accept(status, message);
      }
    };
  }
}
