package io.offload.ops.impl;

import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.notify.EventTypes;
import io.offload.ops.OperationException;
import io.offload.ops.OperationHandler;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A service process's side: the handler of each type, the operations running, their
 * completions to the ranks, and what the handlers learn of lost peers and mesh messages.
 *
 * <p>Thread safety: {@link #register} from any thread; the rest on the UCX thread.
 */
final class Served {

  private static final Logger LOG = LoggerFactory.getLogger(Served.class);

  private final OpsWire wire;
  private final OpsMetrics metrics;
  private final Consumer<Runnable> onUcx;
  private final Map<Integer, OperationHandler> handlers = new ConcurrentHashMap<>();
  /** Per submitting peer: its operations running here, by id. */
  private final Map<PeerKey, Map<Long, OperationImpl>> running = new HashMap<>();
  private int count;

  record PeerKey(ExecutionContext context, int peerId) {
  }

  Served(OpsWire wire, OpsMetrics metrics, Consumer<Runnable> onUcx) {
    this.wire = wire;
    this.metrics = metrics;
    this.onUcx = onUcx;
  }

  void onUcx(Runnable r) {
    onUcx.accept(r);
  }

  void register(int type, OperationHandler handler) {
    if (handlers.putIfAbsent(type, handler) != null) {
      throw new IllegalStateException("operation type " + type + " already has a handler");
    }
  }

  int inFlight() {
    return count;
  }

  /** A SUBMIT from peer {@code peerId} of {@code context}. */
  void onSubmit(ExecutionContext context, int peerId, Buffer b) {
    OpsCodec.check(b, OpsCodec.SUBMIT_HEADER, "operation submission");
    long id = OpsCodec.opId(b);
    int type = OpsCodec.submitType(b);
    RankInfo source = context.peer(peerId).flatMap(p -> p.rankInfo()).orElse(null);
    OpsMetrics.Meters m = metrics.of(type, OpsMetrics.SERVICE);
    OperationImpl op = new OperationImpl(this, id, type, context, peerId, source,
        b.getBuffer(OpsCodec.SUBMIT_HEADER, b.length()), m);
    m.started.increment();
    OperationHandler h = handlers.get(type);
    if (h == null) {
      send(op, OpsCodec.failed(id, OperationException.Kind.REJECTED, "no handler of operation type " + type
          + " at service process " + wire.serviceProcessId()));
      m.ended(false, op.startNanos);
      return;
    }
    Map<Long, OperationImpl> ops = running.computeIfAbsent(new PeerKey(context, peerId), k -> new HashMap<>());
    if (ops.putIfAbsent(id, op) != null) {
      LOG.warn("{}/peer {} submitted operation {} twice: the second is dropped", context.id(), peerId, id);
      return;
    }
    count++;
    try {
      h.handle(op);
    } catch (RuntimeException e) {
      LOG.warn("handler of operation type {} threw on {}", type, op, e);
      end(op, null, OperationException.Kind.FAILED, "the handler threw: " + e);
    }
  }

  /** Ends {@code op}: with {@code result}, or (kind non-null) failed. UCX thread. */
  void end(OperationImpl op, Buffer result, OperationException.Kind kind, String reason) {
    if (!op.markDone()) {
      return;
    }
    Map<Long, OperationImpl> ops = running.get(new PeerKey(op.context(), op.peerId()));
    if (ops != null && ops.remove(op.id()) != null) {
      count--;
    }
    op.meters.ended(kind == null, op.startNanos);
    send(op, kind == null ? OpsCodec.done(op.id(), result) : OpsCodec.failed(op.id(), kind, reason));
  }

  private void send(OperationImpl op, Buffer message) {
    wire.send(op.context(), op.peerId(), EventTypes.OPERATION_DONE, message)
        .onFailure(e -> LOG.debug("completion of {} not sent: {}", op, e.getMessage()));
  }

  /** A rank of one of this process's server contexts is gone: its operations end unanswered; handlers learn. */
  void rankLost(ExecutionContext context, int peerId, RankInfo rank, String reason) {
    Map<Long, OperationImpl> ops = running.remove(new PeerKey(context, peerId));
    if (ops != null) {
      for (OperationImpl op : ops.values()) {
        if (op.markDone()) {
          count--;
          op.meters.ended(false, op.startNanos);
        }
      }
    }
    for (OperationHandler h : distinctHandlers()) {
      safely(() -> h.rankLost(context, peerId, rank, reason));
    }
  }

  void serviceProcessLost(int sp, String reason) {
    for (OperationHandler h : distinctHandlers()) {
      safely(() -> h.serviceProcessLost(sp, reason));
    }
  }

  /** Each handler once, though it may serve several types. */
  private java.util.Set<OperationHandler> distinctHandlers() {
    java.util.Set<OperationHandler> s = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    s.addAll(handlers.values());
    return s;
  }

  /** A MESH message: to the handler of its type. */
  void onMesh(Buffer b) {
    OpsCodec.check(b, OpsCodec.MESH_HEADER, "operation mesh message");
    OperationHandler h = handlers.get(OpsCodec.meshType(b));
    if (h == null) {
      LOG.debug("mesh message for operation type {} without a handler here", OpsCodec.meshType(b));
      return;
    }
    int from = OpsCodec.meshFrom(b);
    Buffer body = b.getBuffer(OpsCodec.MESH_HEADER, b.length());
    safely(() -> h.meshMessage(from, body));
  }

  /** Closing: every running operation fails with {@code reason}. */
  void close(String reason) {
    for (Map<Long, OperationImpl> ops : new ArrayList<>(running.values())) {
      for (OperationImpl op : new ArrayList<>(ops.values())) {
        end(op, null, OperationException.Kind.CLOSED, reason);
      }
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("an operation handler threw", e);
    }
  }
}
