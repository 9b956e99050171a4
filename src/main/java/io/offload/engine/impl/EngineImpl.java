package io.offload.engine.impl;

import io.offload.bootstrap.impl.ClientBootstrap;
import io.offload.cache.GroupCache;
import io.offload.cache.impl.CacheService;
import io.offload.bootstrap.impl.ServerBootstrap;
import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.PhaseChange;
import io.offload.topology.RankInfo;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.ServerOptions;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerImpl;
import io.offload.context.impl.PeerMemory;
import io.offload.context.impl.PeerLink;
import io.offload.engine.EngineOptions;
import io.offload.engine.EngineState;
import io.offload.engine.OffloadEngine;
import io.offload.memory.impl.MemoryService;
import io.offload.notify.Addresses;
import io.offload.notify.EventTypes;
import io.offload.notify.impl.LocalCodec;
import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.offload.notify.impl.NotificationService;
import io.vertx.core.Handler;
import io.offload.notify.NotifyStats;
import io.offload.ops.Operations;
import io.offload.ops.impl.OperationsImpl;
import io.offload.ucx.impl.UcxRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The engine. Bootstrap work runs on one event loop ({@link #loop()}); UCX on its progress thread
 * (in caller-driven mode: the application's thread, inside {@link #progress()}).
 */
public final class EngineImpl implements OffloadEngine {

  private static final Logger LOG = LoggerFactory.getLogger(EngineImpl.class);
  private static final Logger PHASES = LoggerFactory.getLogger("io.offload.phases");
  private static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);
  private static final AtomicInteger ENGINES = new AtomicInteger();

  private final VertxInternal vertx;
  private final EngineOptions options;
  private final String id;
  private final ContextInternal loop;
  private final Map<String, ContextImpl> contexts = new ConcurrentHashMap<>();
  private final AtomicInteger contextNumbers = new AtomicInteger(1);
  private final RankInfo selfRank;
  private UcxRuntime ucx;
  private NotificationService notifications;
  private CacheService cache;
  private OperationsImpl operations;
  private MemoryService memory;
  private ContextImpl self;
  private final Promise<Void> closed = Promise.promise();
  private volatile EngineMetrics metrics;
  private volatile EngineState state = EngineState.RUNNING;

  private EngineImpl(Vertx vertx, EngineOptions options) {
    this.vertx = (VertxInternal) vertx;
    this.options = new EngineOptions(options);
    this.id = options.getName() != null ? options.getName()
        : "e" + ProcessHandle.current().pid() + "-" + ENGINES.incrementAndGet();
    this.loop = eventLoopFor(this.vertx);
    this.selfRank = options.getRankInfo() != null ? options.getRankInfo() : RankInfo.of(0, 0, 1);
  }

  /** The caller's event loop when there is one, else a fresh event-loop context. */
  private static ContextInternal eventLoopFor(VertxInternal vertx) {
    ContextInternal current = vertx.getContext();
    if (current != null && current.threadingModel() == ThreadingModel.EVENT_LOOP) {
      return current.unwrap();
    }
    return vertx.createEventLoopContext();
  }

  public static Future<OffloadEngine> create(Vertx vertx, EngineOptions options) {
    if (options.getUcpWorker() != null && options.getUcpContext() == null) {
      return Future.failedFuture(new IllegalArgumentException("an adopted UCX worker needs the UCX context it was"
          + " made from: EngineOptions.setUcpContext"));
    }
    EngineImpl engine = new EngineImpl(vertx, options);
    LocalCodec.register(vertx.eventBus(), PhaseChange.class);
    if (options.getUcpWorker() != null) {
      return engine.createCallerDriven();
    }
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
    Promise<OffloadEngine> result = caller.promise();
    UcxRuntime.start(vertx, engine.id, options.getUcx(), options.getUcpContext())
        .compose(ucx -> {
          engine.init(ucx);
          return ucx.call(engine::startOnUcxThread);
        })
        .map(engine::started)
        .onComplete(result);
    return result.future();
  }

  /** Caller-driven: everything on the calling thread, which becomes the UCX thread; no wait. */
  private Future<OffloadEngine> createCallerDriven() {
    UcxRuntime runtime;
    try {
      runtime = UcxRuntime.drive(vertx, id, options.getUcx(), options.getUcpContext(), options.getUcpWorker());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ContextInternal caller = vertx.getOrCreateContext(); // the application thread's EXTERNAL context now
    try {
      init(runtime);
      return caller.succeededFuture(started(startOnUcxThread()));
    } catch (Throwable t) {
      runtime.stop();
      return caller.failedFuture(t);
    }
  }

  private void init(UcxRuntime runtime) {
    ucx = runtime;
    notifications = new NotificationService(vertx, runtime, options.getMaxInFlight(), options.getMaxQueued(),
        options.getMaxPending(), options.getMaxPendingBytes());
    memory = new MemoryService(vertx, runtime, notifications);
    cache = new CacheService(this, memory);
    metrics = new EngineMetrics(id, notifications, cache);
    operations = new OperationsImpl(this, new OpsLink(this, notifications, cache));
    notifications.onInternal(EventTypes.BOOTSTRAP_PROBE, (ch, n) -> {
      if (ch.owner() instanceof PeerImpl peer && peer.link() != null) {
        loop.runOnContext(v -> probeArrived(peer, n.payload()));
      }
    });
  }

  /** On the UCX thread: the notification handler, and the self peer's endpoint to this very worker. */
  private UcpEndpoint startOnUcxThread() {
    notifications.start();
    return ucx.connect(ucx.workerAddress(), id + "-self");
  }

  private OffloadEngine started(UcpEndpoint selfEndpoint) {
    self = new ContextImpl(this, "self", Role.SELF, Scope.SELF);
    self.addSelfPeer(selfRank, selfEndpoint);
    self.onClose(() -> ucx.call(() -> ucx.closeEndpoint(selfEndpoint, false)).compose(f -> f));
    LOG.debug("engine {} started{}", id, ucx.callerDriven() ? " (caller-driven)" : "");
    return this;
  }

  private void probeArrived(PeerImpl peer, Buffer payload) {
    PeerLink link = peer.link();
    if (link instanceof ProbeListener l) {
      l.onProbe(payload);
    }
  }

  /** Implemented by the bootstrap's connections: the peer's UCX probe arrived (the bootstrap checks the payload). */
  public interface ProbeListener {
    void onProbe(Buffer payload);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public ExecutionContext self() {
    checkOpen();
    return self;
  }

  @Override
  public Future<ExecutionContext> listen(ServerOptions options) {
    checkOpen();
    cache.serveAs(options.getServiceProcessId());
    return onCaller(ServerBootstrap.start(this, options).map(c -> (ExecutionContext) c));
  }

  @Override
  public Future<ExecutionContext> connect(ClientOptions options) {
    checkOpen();
    return onCaller(ClientBootstrap.connect(this, options).map(c -> (ExecutionContext) c));
  }

  @Override
  public List<ExecutionContext> contexts() {
    return new ArrayList<>(contexts.values());
  }

  @Override
  public Context ucxContext() {
    checkOpen();
    return ucx.context();
  }

  @Override
  public String phaseAddress() {
    return Addresses.phase(id);
  }

  @Override
  public NotificationConsumer consumer(int type, Handler<Notification> handler) {
    checkOpen();
    EventTypes.checkUserType(type);
    return notifications.consumer(null, type, handler);
  }

  @Override
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  @Override
  public GroupCache cache() {
    return cache;
  }

  @Override
  public Operations operations() {
    return operations;
  }

  @Override
  public NotifyStats notificationStats() {
    return notifications.stats();
  }

  @Override
  public Future<Void> close() {
    synchronized (this) {
      if (state == EngineState.RUNNING) {
        state = EngineState.FINALIZING;
        operations.close()
            .transform(x -> cache.close())
            .transform(x -> {
              List<Future<Void>> all = new ArrayList<>();
              for (ContextImpl c : contexts.values()) {
                all.add(c.close());
              }
              return Future.join(all);
            })
            .transform(v -> self.close())
            .transform(v -> memory.close()) // no endpoint left: no peer reaches a region any more
            .transform(v -> {
              metrics.close();
              return ucx.stop();
            })
            .onComplete(v -> {
              if (ucx.callerDriven()) {
                // on the application's thread, inside progress(): its close future's callbacks run in
                // this same call (no wake-up needed), then the engine lets go of the worker
                ucx.context().runOnContext(x -> {
                  terminate();
                  ucx.releaseWorker();
                });
              } else {
                terminate();
              }
            });
      }
    }
    return onCaller(closed.future());
  }

  private void terminate() {
    LOG.debug("engine {} closed", id);
    state = EngineState.TERMINATED;
    closed.tryComplete();
  }

  @Override
  public EngineState state() {
    return state;
  }

  @Override
  public Future<Void> terminated() {
    return onCaller(closed.future());
  }

  @Override
  public int progress() {
    return ucx.progress();
  }

  @Override
  public UcpWorker ucpWorker() {
    checkNotTerminated();
    return ucx.worker();
  }

  @Override
  public UcpContext ucpContext() {
    checkNotTerminated();
    return ucx.checkedUcpContext();
  }

  private void checkNotTerminated() {
    if (state == EngineState.TERMINATED) {
      throw new IllegalStateException("engine " + id + " has terminated: its UCX worker is gone");
    }
  }

  // ------------------------------------------------------------------ for the implementation

  public EngineOptions options() {
    return options;
  }

  /** The event loop that runs this engine's bootstrap state machines. */
  public ContextInternal loop() {
    return loop;
  }

  public UcxRuntime ucx() {
    return ucx;
  }

  public NotificationService notifications() {
    return notifications;
  }

  /** Memory exposed between this engine's peers (for the contexts). */
  public PeerMemory memory() {
    return memory;
  }

  public RankInfo selfRank() {
    return selfRank;
  }

  public int nextContextNumber() {
    return contextNumbers.getAndIncrement();
  }

  public ContextImpl register(ContextImpl context) {
    contexts.put(context.id(), context);
    return context;
  }

  public void forget(ContextImpl context) {
    contexts.remove(context.id(), context);
  }

  /** Runs {@code task} on the engine's loop; the result completes there. */
  public <T> Future<T> onLoop(Supplier<Future<T>> task) {
    Promise<T> p = loop.promise();
    loop.runOnContext(v -> {
      try {
        task.get().onComplete(p);
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  /** Re-completes {@code f} on the caller's Vert.x context. */
  private <T> Future<T> onCaller(Future<T> f) {
    ContextInternal caller = vertx.getOrCreateContext();
    Promise<T> p = caller.promise();
    f.onComplete(p);
    return p.future();
  }

  /** A peer changed phase: metrics, log, event bus. */
  public void peerPhaseChanged(PhaseChange change, long peerCreatedNanos) {
    EngineMetrics m = metrics;
    if (m != null) {
      m.phaseReached(change, peerCreatedNanos);
    }
    publishPhase(change);
  }

  public void publishPhase(PhaseChange change) {
    if (change.to() == BootstrapPhase.DISCONNECTED && change.reason() != null) {
      PHASES.info("{} {}/peer {} {} -> {} ({})", id, change.contextId(), change.peerId(), change.from(), change.to(),
          change.reason());
    } else {
      PHASES.debug("{} {}/peer {} {} -> {}", id, change.contextId(), change.peerId(), change.from(), change.to());
    }
    vertx.eventBus().publish(phaseAddress(), change, LOCAL_ONLY);
  }

  /** A peer is gone for good: the cache revokes what it brought, the regions exposed either way go. */
  public void peerLost(PeerImpl peer) {
    cache.peerLost(peer);
    OpsLink.peerLost(operations, peer);
    memory.peerLost(peer);
  }

  /** A peer reached BOOTSTRAP_DONE: the cache adds it. */
  public void peerReady(PeerImpl peer) {
    cache.peerReady(peer);
  }

  private void checkOpen() {
    if (state != EngineState.RUNNING) {
      throw new IllegalStateException("engine " + id + " is closed");
    }
  }
}
