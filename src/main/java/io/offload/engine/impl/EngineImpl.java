package io.offload.engine.impl;

import io.offload.bootstrap.ClientBootstrap;
import io.offload.cache.GroupCache;
import io.offload.cache.impl.CacheService;
import io.offload.bootstrap.ServerBootstrap;
import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.PhaseChange;
import io.offload.context.RankInfo;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.ServerOptions;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerImpl;
import io.offload.context.impl.PeerLink;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.Addresses;
import io.offload.notify.EventTypes;
import io.offload.notify.LocalCodec;
import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.offload.notify.NotificationService;
import io.vertx.core.Handler;
import io.offload.notify.NotifyStats;
import io.offload.ucx.UcxRuntime;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The engine. Bootstrap work runs on one event loop ({@link #loop()}); UCX on its progress thread. */
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
  private ContextImpl self;
  private final Promise<Void> closed = Promise.promise();
  private volatile EngineMetrics metrics;
  private volatile boolean closing;

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
    EngineImpl engine = new EngineImpl(vertx, options);
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
    LocalCodec.register(vertx.eventBus(), PhaseChange.class);
    Promise<OffloadEngine> result = caller.promise();
    UcxRuntime.start(vertx, engine.id, options.getUcx())
        .compose(ucx -> {
          engine.ucx = ucx;
          engine.notifications = new NotificationService(vertx, ucx, options.getMaxInFlight(),
              options.getMaxQueued(), options.getMaxPending(), options.getMaxPendingBytes());
          engine.cache = new CacheService(engine);
          engine.metrics = new EngineMetrics(engine.id, engine.notifications, engine.cache);
          engine.notifications.onInternal(EventTypes.BOOTSTRAP_PROBE, (ch, n) -> {
            if (ch.owner() instanceof PeerImpl peer && peer.link() != null) {
              engine.loop.runOnContext(v -> engine.probeArrived(peer, n.payload()));
            }
          });
          return ucx.call(() -> {
            engine.notifications.start();
            return null;
          });
        })
        .map(v -> {
          engine.self = new ContextImpl(engine, "self", Role.SELF, Scope.SELF);
          LOG.debug("engine {} started", engine.id);
          return (OffloadEngine) engine;
        })
        .onComplete(result);
    return result.future();
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
  public NotifyStats notificationStats() {
    return notifications.stats();
  }

  @Override
  public Future<Void> close() {
    synchronized (this) {
      if (!closing) {
        closing = true;
        cache.close()
            .transform(x -> {
              List<Future<Void>> all = new ArrayList<>();
              for (ContextImpl c : contexts.values()) {
                all.add(c.close());
              }
              return Future.join(all);
            })
            .transform(v -> self.close())
            .transform(v -> {
              notifications.close();
              metrics.close();
              return ucx.stop();
            })
            .onComplete(v -> {
              LOG.debug("engine {} closed", id);
              closed.tryComplete();
            });
      }
    }
    return onCaller(closed.future());
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

  /** A peer is gone for good: the cache revokes what it brought. */
  public void peerLost(PeerImpl peer) {
    cache.peerLost(peer);
  }

  /** A peer reached BOOTSTRAP_DONE: the cache adds it. */
  public void peerReady(PeerImpl peer) {
    cache.peerReady(peer);
  }

  private void checkOpen() {
    if (closing) {
      throw new IllegalStateException("engine " + id + " is closed");
    }
  }
}
