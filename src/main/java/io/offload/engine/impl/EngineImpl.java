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
import io.offload.context.impl.ContextSite;
import io.offload.context.impl.OnCaller;
import io.offload.context.impl.PeerEvents;
import io.offload.context.impl.Transport;
import io.offload.bootstrap.impl.BootstrapSite;
import io.offload.bootstrap.impl.ProbeNonce;
import io.offload.engine.EngineOptions;
import io.offload.engine.EngineState;
import io.offload.engine.OffloadEngine;
import io.offload.memory.impl.MemoryService;
import io.offload.job.Job;
import io.offload.job.impl.JobService;
import io.offload.notify.Addresses;
import io.offload.notify.EventTypes;
import io.offload.notify.impl.LocalCodec;
import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.offload.notify.PayloadAllocator;
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
  private NotificationService<PeerImpl> notifications;
  private CacheService cache;
  private MemoryService memory;
  private OperationsImpl operations;
  private JobService jobs;
  private ContextSite contextSite;
  private BootstrapSite bootstrapSite;
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
    LocalCodec.register(vertx.eventBus(), EngineState.class);
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
    notifications = new NotificationService<>(vertx, runtime, options.getMaxInFlight(), options.getMaxQueued(),
        options.getMaxPending(), options.getMaxPendingBytes());
    Transport transport = new Transport(runtime, notifications);
    memory = new MemoryService(vertx, transport);
    cache = new CacheService(id, vertx, transport, options, memory::rankRegion, this::connect);
    jobs = new JobService(id, vertx, transport);
    metrics = new EngineMetrics(id, notifications, cache);
    operations = new OperationsImpl(this, new OpsLink(transport, cache));
    PeerEvents events = new Events();
    contextSite = new ContextSite(id, vertx, selfRank, transport, events, memory);
    bootstrapSite = new BootstrapSite(id, vertx, loop, options, transport, events, new Contexts(), cache::refusal,
        new ProbeNonce());
    notifications.onInternal(EventTypes.BOOTSTRAP_PROBE, (peer, n) -> peer.probeArrived(n.payload()));
  }

  /** On the UCX thread: the notification handler, and the self peer's endpoint to this very worker. */
  private UcpEndpoint startOnUcxThread() {
    notifications.start();
    return ucx.connect(ucx.workerAddress(), id + "-self");
  }

  private OffloadEngine started(UcpEndpoint selfEndpoint) {
    self = new ContextImpl(contextSite, "self", Role.SELF, Scope.SELF);
    self.addSelfPeer(selfRank, selfEndpoint);
    self.onClose(() -> ucx.call(() -> ucx.closeEndpoint(selfEndpoint, false)).compose(f -> f));
    LOG.debug("engine {} started{}", id, ucx.callerDriven() ? " (caller-driven)" : "");
    return this;
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
    return onCaller(ServerBootstrap.start(bootstrapSite, options).map(c -> {
      cache.listening(options, c.localPort());
      return (ExecutionContext) c;
    }));
  }

  @Override
  public Future<ExecutionContext> connect(ClientOptions options) {
    checkOpen();
    cache.clientStarting(options);
    return onCaller(ClientBootstrap.connect(bootstrapSite, options).map(c -> (ExecutionContext) c));
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
  public NotificationConsumer consumer(int type, PayloadAllocator allocator, Handler<Notification> handler) {
    checkOpen();
    return notifications.consumer(null, EventTypes.checkUserType(type), allocator, handler);
  }

  @Override
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  @Override
  public Operations operations() {
    return operations;
  }

  @Override
  public GroupCache cache() {
    return cache;
  }

  @Override
  public NotifyStats notificationStats() {
    return notifications.stats();
  }

  @Override
  public Job job(int ranks, int serviceProcesses) {
    checkOpen();
    return jobs.start(ranks, serviceProcesses);
  }

  @Override
  public Future<Void> close() {
    synchronized (this) {
      if (state == EngineState.RUNNING) {
        state = EngineState.FINALIZING;
        // before anything can terminate, so that observers see FINALIZING first
        vertx.eventBus().publish(stateAddress(), EngineState.FINALIZING, LOCAL_ONLY);
        jobs.close();
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
    vertx.eventBus().publish(stateAddress(), EngineState.TERMINATED, LOCAL_ONLY);
    closed.tryComplete();
  }

  @Override
  public String stateAddress() {
    return Addresses.state(id);
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
  public byte[] workerAddress() {
    checkNotTerminated();
    return ucx.workerAddress().clone();
  }

  /** Per-hop timestamps of the notification path (bench mode {@code -Doffload.hops=true}). */
  public io.vertx.core.json.JsonObject hopTable() {
    return notifications.hops().toJson();
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

  /** Re-completes {@code f} on the caller's Vert.x context. */
  private <T> Future<T> onCaller(Future<T> f) {
    return OnCaller.complete(vertx, f);
  }

  /** The contexts' and peers' events, fanned out to the metrics, the phase address and the cache. */
  private final class Events implements PeerEvents {

    @Override
    public void phaseChanged(PhaseChange change, long peerCreatedNanos) {
      EngineMetrics m = metrics;
      if (m != null) {
        m.phaseReached(change, peerCreatedNanos);
      }
      publishPhase(change);
    }

    @Override
    public void ready(PeerImpl peer) {
      cache.peerReady(peer);
      jobs.peerReady(peer); // the job counts it
    }

    @Override
    public void lost(PeerImpl peer) {
      cache.peerLost(peer);
      OpsLink.peerLost(operations, peer);
      memory.peerLost(peer); // the regions exposed either way go
      jobs.peerLost(peer); // the job counts how it left
    }

    @Override
    public void contextClosed(ContextImpl context, PhaseChange change) {
      contexts.remove(context.id(), context);
      publishPhase(change);
    }
  }

  private void publishPhase(PhaseChange change) {
    if (change.to() == BootstrapPhase.DISCONNECTED && change.reason() != null) {
      PHASES.info("{} {}/peer {} {} -> {} ({})", id, change.contextId(), change.peerId(), change.from(), change.to(),
          change.reason());
    } else {
      PHASES.debug("{} {}/peer {} {} -> {}", id, change.contextId(), change.peerId(), change.from(), change.to());
    }
    vertx.eventBus().publish(phaseAddress(), change, LOCAL_ONLY);
  }

  /** The bootstrap's view of this engine's contexts. */
  private final class Contexts implements BootstrapSite.Contexts {

    @Override
    public int nextNumber() {
      return contextNumbers.getAndIncrement();
    }

    @Override
    public ContextImpl open(String contextId, Role role, Scope scope) {
      ContextImpl c = new ContextImpl(contextSite, contextId, role, scope);
      contexts.put(contextId, c);
      return c;
    }
  }

  private void checkOpen() {
    if (state != EngineState.RUNNING) {
      throw new IllegalStateException("engine " + id + " is closed");
    }
  }
}
