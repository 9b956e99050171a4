package io.offload.ucx;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
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
 * <p>Close order (shared/README §1): endpoints, then the worker, then the UCX context; closing
 * a worker with an open endpoint aborts the JVM, so the runtime tracks every endpoint it made.
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
  private final ProgressThread thread;
  // Made on the progress thread (UCX start-up can take 100s of ms: never on an event loop).
  private UcpContext ucpContext;
  private UcpWorker worker;
  private volatile byte[] workerAddress;
  private ProgressIdleStrategy idle;
  private final Set<UcpEndpoint> endpoints = Collections.newSetFromMap(new IdentityHashMap<>());
  /** Close requests not complete yet when their endpoint was given up on; shutdown waits for them. */
  private final List<UcpRequest> pendingCloses = new ArrayList<>();
  private final List<Object> retained = new ArrayList<>(); // callbacks JUCX must not lose to GC
  private final Promise<Void> started = Promise.promise();
  private final Promise<Void> stopped = Promise.promise();
  private volatile boolean running = true;
  private volatile ContextInternal context;
  private boolean opened;
  private long periodicWake = -1;

  private UcxRuntime(Vertx vertx, String name, UcxOptions options) {
    this.vertx = vertx;
    this.options = new UcxOptions(options);
    this.agent = new ProgressAgent("ucx-progress-" + name, tasks, this::onAgentStart, this::onAgentClose);
    // The runner's idle strategy is a shim: the real one needs the worker, made on the thread.
    AgentRunner runner = new AgentRunner(new IdleShim(), UcxRuntime::onAgentError, null, agent);
    this.thread = new ProgressThread("ucx-progress-" + name, runner, tasks, this::signal);
  }

  /**
   * Starts the progress thread, which creates the UCX context and worker. The future fails with
   * {@link UcxUnavailableException} when the system UCX library cannot be loaded.
   */
  public static Future<UcxRuntime> start(Vertx vertx, String name, UcxOptions options) {
    UcxRuntime runtime = new UcxRuntime(vertx, name, options);
    runtime.thread.start();
    return runtime.started.future().map(runtime);
  }

  private void signal() {
    UcpWorker w = worker;
    if (w != null) {
      w.signal();
    }
  }

  private static void onAgentError(Throwable t) {
    if (!(t instanceof AgentTerminationException)) {
      LOG.error("UCX progress agent failed", t);
    }
  }

  private boolean openNative() {
    try {
      UcxSignals.warnIfUnprotected();
      ucpContext = new UcpContext(new UcpParams().requestAmFeature().requestRmaFeature().requestWakeupFeature());
      worker = ucpContext.newWorker(new UcpWorkerParams());
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      started.fail(new UcxUnavailableException(e));
      return false;
    } catch (Throwable t) {
      started.fail(new IllegalStateException("cannot start UCX: " + t.getMessage(), t));
      if (ucpContext != null) {
        ucpContext.close();
      }
      return false;
    }
    ByteBuffer address = worker.getAddress();
    byte[] bytes = new byte[address.remaining()];
    address.get(bytes);
    workerAddress = bytes;
    idle = options.idleStrategy(worker::waitForEvents);
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
    // Wakes the worker now and then: waitForEvents has no timeout and old UCX lost wake-ups.
    ctx.runOnContext(v -> periodicWake = vertx.setPeriodic(200, id -> { }));
    tasks.run();
    started.complete();
  }

  /** On the progress thread, after the last pass: endpoints, then the worker, then the context. */
  private void onAgentClose() {
    running = false;
    if (!opened) {
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
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the progress thread (queued behind what is already there). */
  public void execute(Runnable task) {
    thread.execute(task);
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

  public UcpContext ucpContext() {
    return ucpContext;
  }

  /** Registers an active-message handler. Progress thread only. */
  public void setAmHandler(int amId, UcpAmRecvCallback callback) {
    checkThread();
    retained.add(callback);
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
    awaitRequest(request, System.nanoTime() + CLOSE_FLUSH_NANOS, () -> {
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

  /** Stops the progress thread after closing every endpoint, then the worker and the context. */
  public Future<Void> stop() {
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

  /** Force-closes every endpoint and waits for every close request; false if some never completed. */
  private boolean closeAllEndpoints() {
    List<UcpRequest> requests = new ArrayList<>(pendingCloses);
    pendingCloses.clear();
    for (UcpEndpoint ep : endpoints) {
      try {
        requests.add(ep.closeNonBlockingForce());
      } catch (Throwable t) {
        LOG.debug("force close failed", t);
      }
    }
    endpoints.clear();
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
    try {
      ucpContext.close();
    } catch (Throwable t) {
      LOG.warn("closing UCX context failed", t);
    }
  }

  private void checkThread() {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("JUCX calls on this worker must run on its progress thread ("
          + thread.getName() + "), not on " + Thread.currentThread().getName());
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
