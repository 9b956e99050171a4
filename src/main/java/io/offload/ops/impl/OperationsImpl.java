package io.offload.ops.impl;

import io.offload.cache.Handle;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.notify.EventTypes;
import io.offload.ops.CollectiveOptions;
import io.offload.ops.Collectives;
import io.offload.ops.OperationHandler;
import io.offload.ops.OperationTypes;
import io.offload.ops.Operations;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An engine's operations: the rank side ({@link Submissions}), the service-process side
 * ({@link Served}), the collectives ({@link CollectivesImpl} on a rank, {@link CollectiveService}
 * on a service process) and their meters. All state lives on the engine's UCX thread; the
 * public methods hop there.
 */
public final class OperationsImpl implements Operations {

  private static final Logger LOG = LoggerFactory.getLogger(OperationsImpl.class);

  private final OffloadEngine engine;
  private final OpsWire wire;
  private final VertxInternal vertx;
  private final OpsMetrics metrics;
  private final Submissions submissions;
  private final Served served;
  private final Map<ExecutionContext, CollectivesImpl> collectives = new ConcurrentHashMap<>();
  private volatile CollectiveService collectiveService;
  private volatile Thread ucxThread;
  private volatile boolean closing;

  public OperationsImpl(OffloadEngine engine, OpsWire wire) {
    this.engine = engine;
    this.wire = wire;
    this.vertx = (VertxInternal) engine.vertx();
    this.metrics = new OpsMetrics(engine.meterRegistry(), engine.id(), this::inFlight);
    this.submissions = new Submissions(wire, metrics);
    this.served = new Served(wire, metrics, this::onUcx);
    wire.ucxContext().runOnContext(v -> ucxThread = Thread.currentThread());
    wire.onMessage(EventTypes.OPERATION_SUBMIT, (ctx, peer, b) -> guarded("submission", () -> served.onSubmit(ctx, peer, b)));
    wire.onMessage(EventTypes.OPERATION_DONE, (ctx, peer, b) -> guarded("completion", () -> submissions.onDone(ctx, b)));
    wire.onMessage(EventTypes.OPERATION_MESH, (ctx, peer, b) -> guarded("mesh message", () -> served.onMesh(b)));
  }

  private static void guarded(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("dropped an operation {}: {}", what, e.getMessage());
    }
  }

  // ------------------------------------------------------------------ API

  @Override
  public Future<Buffer> submit(ExecutionContext context, int type, Buffer args) {
    if (context == null) {
      throw new IllegalArgumentException("submit needs the client context to the service process");
    }
    if (type < 0) {
      throw new IllegalArgumentException("operation type must be >= 0, got " + type);
    }
    Buffer copy = args == null ? Buffer.buffer() : args.copy();
    Promise<Buffer> p = promise();
    onUcx(() -> submissions.submit(context, type, copy, p));
    return p.future();
  }

  @Override
  public Collectives collectives(ExecutionContext context) {
    if (context == null) {
      throw new IllegalArgumentException("collectives need the client context to the service process");
    }
    return collectives.computeIfAbsent(context, c -> new CollectivesImpl(this, c));
  }

  @Override
  public void register(int type, OperationHandler handler) {
    if (handler == null) {
      throw new IllegalArgumentException("handler must not be null");
    }
    served.register(type, handler);
  }

  @Override
  public synchronized void serveCollectives(CollectiveOptions options) {
    if (collectiveService != null) {
      throw new IllegalStateException("this engine already serves collectives");
    }
    CollectiveService s = new CollectiveService(engine, this, new CollectiveOptions(options));
    served.register(OperationTypes.ALLTOALLV, s);
    served.register(OperationTypes.ALLGATHER, s);
    collectiveService = s;
  }

  @Override
  public Future<Void> sendToServiceProcess(int serviceProcessId, int type, Buffer message) {
    Promise<Void> p = promise();
    Buffer body = message == null ? Buffer.buffer() : message.copy();
    onUcx(() -> meshSend(serviceProcessId, type, body).onComplete(p));
    return p.future();
  }

  /** UCX thread: sends {@code body} (not copied again) to the handler of {@code type} on {@code sp}. */
  Future<Void> meshSend(int sp, int type, Buffer body) {
    Handle h = engine.cache().findHandle(sp).orElse(null);
    if (h == null || h.context() == null) {
      return Future.failedFuture(new IllegalStateException("no mesh link to service process " + sp));
    }
    return wire.send(h.context(), h.peerId(), EventTypes.OPERATION_MESH, OpsCodec.mesh(type, wire.serviceProcessId(), body));
  }

  @Override
  public int inFlight() {
    return submissions.inFlight() + served.inFlight();
  }

  // ------------------------------------------------------------------ from the engine

  /**
   * A peer of one of the engine's contexts is gone: a rank's service process (its operations
   * fail), a rank of this service process, or another service process. {@code serviceProcessId}:
   * which one, for the two kinds of service process (-1: not known).
   */
  public void peerLost(ExecutionContext context, int peerId, PeerKind kind, RankInfo rank, int serviceProcessId,
      String reason) {
    String why = reason == null ? "disconnected" : reason;
    onUcx(() -> {
      switch (kind) {
        case SERVER -> submissions.serverLost(context, serviceProcessId, why);
        case RANK -> served.rankLost(context, peerId, rank, why);
        case SERVICE_PROCESS -> served.serviceProcessLost(serviceProcessId, why);
        default -> {
        }
      }
    });
  }

  /** Who a lost peer was to this engine. */
  public enum PeerKind { SERVER, RANK, SERVICE_PROCESS, OTHER }

  /** Fails what is in flight, releases the staging region; before the contexts close. */
  public Future<Void> close() {
    closing = true;
    Promise<Void> p = Promise.promise();
    onUcx(() -> {
      String reason = "engine " + engine.id() + " closed";
      submissions.close(reason);
      served.close(reason);
      CollectiveService s = collectiveService;
      if (s != null) {
        s.close(reason);
      }
      metrics.close();
      p.tryComplete();
    });
    return p.future();
  }

  // ------------------------------------------------------------------ for the implementation

  /** Runs {@code r} on the UCX thread: at once when already there, else as a task of its context. */
  void onUcx(Runnable r) {
    if (Thread.currentThread() == ucxThread) {
      r.run();
    } else {
      wire.ucxContext().runOnContext(v -> r.run());
    }
  }

  /** A promise completing on the caller's Vert.x context. */
  <T> Promise<T> promise() {
    return ((ContextInternal) vertx.getOrCreateContext()).promise();
  }

  boolean isClosing() {
    return closing;
  }

  OpsWire wire() {
    return wire;
  }
}
