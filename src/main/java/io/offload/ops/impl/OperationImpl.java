package io.offload.ops.impl;

import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.ops.Operation;
import io.offload.ops.OperationException;
import io.vertx.core.buffer.Buffer;

/**
 * One operation on its service process. Ended once: by the handler, or when its submitter is lost.
 *
 * <p>Thread safety: the state is the UCX thread's; {@code complete}/{@code fail} hop there.
 */
final class OperationImpl implements Operation {

  private final Served served;
  private final long id;
  private final int type;
  private final ExecutionContext context;
  private final int peerId;
  private final RankInfo source;
  private final Buffer args;
  final long startNanos = System.nanoTime();
  final OpsMetrics.Meters meters;
  private volatile boolean done;

  OperationImpl(Served served, long id, int type, ExecutionContext context, int peerId, RankInfo source, Buffer args,
                OpsMetrics.Meters meters) {
    this.served = served;
    this.id = id;
    this.type = type;
    this.context = context;
    this.peerId = peerId;
    this.source = source;
    this.args = args;
    this.meters = meters;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public int type() {
    return type;
  }

  @Override
  public ExecutionContext context() {
    return context;
  }

  @Override
  public int peerId() {
    return peerId;
  }

  @Override
  public RankInfo source() {
    return source;
  }

  @Override
  public Buffer args() {
    return args;
  }

  @Override
  public void complete(Buffer result) {
    Buffer r = result == null ? Buffer.buffer() : result;
    served.onUcx(() -> served.end(this, r, null, null));
  }

  @Override
  public void fail(OperationException.Kind kind, String reason) {
    served.onUcx(() -> served.end(this, null, kind, reason == null ? "failed" : reason));
  }

  @Override
  public boolean isDone() {
    return done;
  }

  /** Marks it ended; false if it already was. UCX thread. */
  boolean markDone() {
    if (done) {
      return false;
    }
    done = true;
    return true;
  }

  @Override
  public String toString() {
    return "operation " + id + " (type " + type + ") of " + context.id() + "/peer " + peerId;
  }
}
