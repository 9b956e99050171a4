package io.offload.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.offload.cache.GroupCache;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.impl.EngineImpl;
import io.offload.notify.NotifyStats;
import io.vertx.core.Context;
import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * One per process: owns a UCX context, its worker and progress thread, the self execution
 * context and every server and client context it creates. {@link #close()} finalizes them all.
 *
 * <p>Thread safety: all methods may be called from any thread; futures complete on the
 * caller's Vert.x context.
 */
public interface OffloadEngine {

  /** Creates an engine with default options. */
  static Future<OffloadEngine> create(Vertx vertx) {
    return create(vertx, new EngineOptions());
  }

  /**
   * Creates an engine on {@code vertx}: starts UCX (fails with {@code UcxUnavailableException}
   * when the system UCX is missing) and its progress thread.
   */
  static Future<OffloadEngine> create(Vertx vertx, EngineOptions options) {
    return EngineImpl.create(vertx, options);
  }

  /** Id used in event-bus addresses. */
  String id();

  Vertx vertx();

  /** The self context: notifications to oneself, through local-only event-bus addresses. */
  ExecutionContext self();

  /** Starts a server context; completes once it listens ({@code localPort()} gives the port). */
  Future<ExecutionContext> listen(ServerOptions options);

  /** Starts a client context; completes at BOOTSTRAP_DONE, or fails with the reason. */
  Future<ExecutionContext> connect(ClientOptions options);

  /** The open server and client contexts. */
  List<ExecutionContext> contexts();

  /**
   * The Vert.x context of the UCX progress thread. Notification consumers registered from it
   * run on that thread in the same pass as the arrival (the fast path), and JUCX calls on
   * peers' endpoints must be made from it. Handlers there must never block.
   */
  Context ucxContext();

  /** Where {@code PhaseChange} events are published. */
  String phaseAddress();

  /**
   * Registers the engine-wide handler of notifications of {@code type}: it gets those of every
   * context that has no consumer of its own for the type. Threading and lending as in
   * {@link ExecutionContext#consumer}; reply through {@code n.context()}.
   */
  NotificationConsumer consumer(int type, Handler<Notification> handler);

  /**
   * The Micrometer registry holding this engine's meters ({@code offload.*}, tagged
   * {@code engine=<id>}): Vert.x's when Vert.x metrics are enabled, else a simple registry of the
   * engine's own.
   */
  MeterRegistry meterRegistry();

  /**
   * The group cache: which service process serves each rank of each group, and the handles to
   * reach service processes. Filled as peers bootstrap and service processes exchange entries.
   */
  GroupCache cache();

  /** Counters of this engine's notifications. */
  NotifyStats notificationStats();

  /** Closes every context, then UCX. Idempotent. */
  Future<Void> close();
}
