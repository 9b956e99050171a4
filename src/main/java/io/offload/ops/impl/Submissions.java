package io.offload.ops.impl;

import io.offload.context.ExecutionContext;
import io.offload.notify.EventTypes;
import io.offload.ops.OperationException;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A rank's operations in flight: each submission gets the next id, waits for the service
 * process's DONE with that id, and fails when its service process is lost or the engine closes.
 *
 * <p>Thread safety: the engine's UCX thread only.
 */
final class Submissions {

  private static final Logger LOG = LoggerFactory.getLogger(Submissions.class);

  private final OpsWire wire;
  private final OpsMetrics metrics;
  private final Map<Long, Pending> pending = new HashMap<>();
  private long nextId = 1;
  private String closed;

  private record Pending(ExecutionContext context, int type, long startNanos, Promise<Buffer> promise,
                         OpsMetrics.Meters meters) {
  }

  Submissions(OpsWire wire, OpsMetrics metrics) {
    this.wire = wire;
    this.metrics = metrics;
  }

  int inFlight() {
    return pending.size();
  }

  void submit(ExecutionContext context, int type, Buffer args, Promise<Buffer> promise) {
    OpsMetrics.Meters m = metrics.of(type, OpsMetrics.RANK);
    m.started.increment();
    long start = System.nanoTime();
    if (closed != null) {
      m.ended(false, start);
      promise.tryFail(new OperationException(OperationException.Kind.CLOSED, closed));
      return;
    }
    long id = nextId++;
    Pending p = new Pending(context, type, start, promise, m);
    pending.put(id, p);
    wire.send(context, 0, EventTypes.OPERATION_SUBMIT, OpsCodec.submit(id, type, args)).onFailure(e -> {
      if (pending.remove(id, p)) {
        end(p, new OperationException(OperationException.Kind.SERVICE_PROCESS_LOST, "cannot submit "
            + "operation " + id + " to the service process: " + e.getMessage()));
      }
    });
    // handed off: the completion is milliseconds away; spinning for it would burn the CPU the offload frees
    wire.restAtNextIdle();
  }

  /** A DONE from the server of {@code context}. */
  void onDone(ExecutionContext context, Buffer b) {
    OpsCodec.check(b, OpsCodec.DONE_HEADER, "operation completion");
    long id = OpsCodec.opId(b);
    Pending p = pending.get(id);
    if (p == null || p.context() != context) {
      LOG.debug("completion of unknown operation {} from {}", id, context.id());
      return;
    }
    pending.remove(id);
    if (pending.isEmpty()) {
      wire.restAtNextIdle(); // nothing else in flight: no reply to spin for
    }
    if (OpsCodec.status(b) == 0) {
      p.meters().ended(true, p.startNanos());
      p.promise().tryComplete(b.getBuffer(OpsCodec.DONE_HEADER, b.length()));
    } else {
      end(p, OpsCodec.failure(b));
    }
  }

  /**
   * The server of {@code context}, service process {@code serviceProcessId} (-1: not known), is
   * gone: its operations fail, naming it.
   */
  void serverLost(ExecutionContext context, int serviceProcessId, String reason) {
    failWhere(p -> p.context() == context, OperationException.Kind.SERVICE_PROCESS_LOST,
        (serviceProcessId >= 0 ? "lost service process " + serviceProcessId : "lost the service process")
            + " (" + context.id() + "): " + reason);
  }

  void close(String reason) {
    closed = reason;
    failWhere(p -> true, OperationException.Kind.CLOSED, reason);
  }

  private void failWhere(java.util.function.Predicate<Pending> which, OperationException.Kind kind, String reason) {
    List<Pending> failed = new ArrayList<>();
    pending.values().removeIf(p -> which.test(p) && failed.add(p));
    failed.forEach(p -> end(p, new OperationException(kind, reason)));
  }

  private static void end(Pending p, OperationException e) {
    p.meters().ended(false, p.startNanos());
    p.promise().tryFail(e);
  }
}
