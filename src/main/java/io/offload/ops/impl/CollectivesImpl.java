package io.offload.ops.impl;

import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.ops.Collectives;
import io.offload.ops.OperationTypes;
import io.offload.memory.ExposedRegion;
import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rank's collectives through one client context: checks the arguments as the service process
 * will, numbers each call within its group, and submits it.
 *
 * <p>Thread safety: any thread (each group's numbering is atomic).
 */
final class CollectivesImpl implements Collectives {

  private final OperationsImpl ops;
  private final ExecutionContext context;
  private final Map<Integer, AtomicLong> sequences = new ConcurrentHashMap<>();

  CollectivesImpl(OperationsImpl ops, ExecutionContext context) {
    this.ops = ops;
    this.context = context;
  }

  @Override
  public Future<Void> alltoallv(RankInfo me, ExposedRegion send, int[] sendCounts, int[] sendDispls, ExposedRegion recv,
      int[] recvCounts, int[] recvDispls) {
    ExposedRegion s = mine(send, "send");
    ExposedRegion r = mine(recv, "recv");
    int n = me.groupSize();
    for (int[] a : new int[][] {sendCounts, sendDispls, recvCounts, recvDispls}) {
      if (a == null || a.length != n) {
        throw new IllegalArgumentException("alltoallv counts and displacements need " + n + " entries (the group's "
            + "size), got " + (a == null ? "null" : a.length));
      }
    }
    for (int j = 0; j < n; j++) {
      check(Desc.range("send", "sendDispls", "sendCounts", j, sendDispls[j], sendCounts[j], s.length()));
      check(Desc.range("receive", "recvDispls", "recvCounts", j, recvDispls[j], recvCounts[j], r.length()));
    }
    return submit(OperationTypes.ALLTOALLV, me, s, r, sendCounts, sendDispls, recvCounts, recvDispls, 0, 0, 0);
  }

  @Override
  public Future<Void> allgather(RankInfo me, ExposedRegion send, int sendOffset, int count, ExposedRegion recv,
      int recvOffset) {
    ExposedRegion s = mine(send, "send");
    ExposedRegion r = mine(recv, "recv");
    check(Desc.range("send", "sendOffset", "count", 0, sendOffset, count, s.length()));
    if (recvOffset < 0 || count < 0 || recvOffset + (long) count * me.groupSize() > r.length()) {
      throw new IllegalArgumentException("allgather receives [" + recvOffset + ", " + (recvOffset
          + (long) count * me.groupSize()) + ") outside the receive buffer of " + r.length() + " bytes");
    }
    return submit(OperationTypes.ALLGATHER, me, s, r, null, null, null, null, sendOffset, count, recvOffset);
  }

  private Future<Void> submit(int type, RankInfo me, ExposedRegion s, ExposedRegion r, int[] sc, int[] sd, int[] rc,
      int[] rd, int sendOffset, int count, int recvOffset) {
    long seq = sequences.computeIfAbsent(me.groupId(), g -> new AtomicLong()).getAndIncrement();
    return ops.submit(context, type, Desc.encode(me.groupId(), me.rank(), me.groupSize(), seq, s, r, sc, sd, rc, rd,
        sendOffset, count, recvOffset)).mapEmpty();
  }

  /** The region must be exposed on this context to its service process (peer 0), and not withdrawn. */
  private ExposedRegion mine(ExposedRegion r, String what) {
    if (r == null || !context.id().equals(r.contextId()) || r.peerId() != 0) {
      throw new IllegalArgumentException(what + " region must be exposed on " + context.id()
          + " to its service process (context.expose(0, buffer)), got " + (r == null ? "null"
          : "one of " + r.contextId() + "/peer " + r.peerId()));
    }
    if (r.isWithdrawn()) {
      throw new IllegalArgumentException(what + " region " + r.id() + " is withdrawn");
    }
    return r;
  }

  private static void check(String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }
}
