package io.offload.engine.impl;

import io.offload.bootstrap.impl.ClientBootstrap;
import io.offload.cache.GroupCache;
import io.offload.cache.impl.CacheService;
import io.offload.bootstrap.impl.ServerBootstrap;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
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
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine. Bootstrap work runs on one event loop ({@link #loop()}); UCX on its progress thread
 * (in caller-driven mode: the application's thread, inside {@link #progress()}).
 */
public final class EngineImpl implements OffloadEngine {

  private static final Logger LOG = LoggerFactory.getLogger(EngineImpl.class);
  private static final AtomicInteger ENGINES = new AtomicInteger();

  private final VertxInternal vertx;
  private final EngineOptions options;
  private final String id;
  private final ContextInternal loop;
  private final EngineContexts contexts = new EngineContexts();
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
  private final EngineLifecycle lifecycle;
  private volatile EngineMetrics metrics;

  EngineImpl(Vertx vertx, EngineOptions options) {
    this.vertx = (VertxInternal) vertx;
    this.options = new EngineOptions(options);
    this.id = options.getName() != null ? options.getName()
        : "e" + ProcessHandle.current().pid() + "-" + ENGINES.incrementAndGet();
    this.loop = eventLoopFor(this.vertx);
    this.selfRank = options.getRankInfo() != null ? options.getRankInfo() : RankInfo.of(0, 0, 1);
    this.lifecycle = new EngineLifecycle(id, vertx);
  }

  /** The caller's event loop when there is one, else a fresh event-loop context. */
  private static ContextInternal eventLoopFor(VertxInternal vertx) {
    ContextInternal current = vertx.getContext();
    if (current != null && current.threadingModel() == ThreadingModel.EVENT_LOOP) {
      return current.unwrap();
    }
    return vertx.createEventLoopContext();
  }

  /** The wiring: each part gets only what it uses; parts report upward only through {@link EngineEvents}. */
  void init(UcxRuntime runtime) {
    ucx = runtime;
    notifications = new NotificationService<>(vertx, runtime, options.getMaxInFlight(), options.getMaxQueued(),
        options.getMaxPending(), options.getMaxPendingBytes());
    Transport transport = new Transport(runtime, notifications);
    memory = new MemoryService(vertx, transport);
    cache = new CacheService(id, vertx, transport, options, memory::rankRegion, this::connect);
    jobs = new JobService(id, vertx, transport);
    metrics = new EngineMetrics(id, notifications, cache);
    operations = new OperationsImpl(this, new OpsLink(transport, cache));
    PeerEvents events = new EngineEvents(id, vertx, contexts, metrics, cache, jobs, operations, memory);
    contextSite = new ContextSite(id, vertx, selfRank, transport, events, memory);
    contexts.bind(contextSite);
    bootstrapSite = new BootstrapSite(id, vertx, loop, options, transport, events, contexts, cache::refusal,
        new ProbeNonce());
    notifications.onInternal(EventTypes.BOOTSTRAP_PROBE, (peer, n) -> peer.probeArrived(n.payload()));
  }

  /** On the UCX thread: the notification handler, and the self peer's endpoint to this very worker. */
  UcpEndpoint startOnUcxThread() {
    notifications.start();
    return ucx.connect(ucx.workerAddress(), id + "-self");
  }

  OffloadEngine started(UcpEndpoint selfEndpoint) {
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
    return contexts.snapshot();
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
    lifecycle.close(new EngineLifecycle.Parts(jobs, operations, cache, contexts, self, memory, metrics, ucx));
    return onCaller(lifecycle.closed());
  }

  @Override
  public String stateAddress() {
    return Addresses.state(id);
  }

  @Override
  public EngineState state() {
    return lifecycle.state();
  }

  @Override
  public Future<Void> terminated() {
    return onCaller(lifecycle.closed());
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

  /** Re-completes {@code f} on the caller's Vert.x context. */
  private <T> Future<T> onCaller(Future<T> f) {
    return OnCaller.complete(vertx, f);
  }

  private void checkOpen() {
    lifecycle.checkOpen();
  }

  private void checkNotTerminated() {
    lifecycle.checkNotTerminated();
  }
}
