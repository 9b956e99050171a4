package io.offload.ops.impl;

import io.offload.cache.CacheMissException;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.ops.CollectiveOptions;
import io.offload.ops.Operation;
import io.offload.ops.OperationException;
import io.offload.ops.OperationHandler;
import io.offload.ops.OperationTypes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.offload.memory.PeerRegion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service process's collectives ({@link OperationTypes#ALLTOALLV}, {@link OperationTypes#ALLGATHER}):
 * takes the local ranks' submissions, keeps one {@link Round} per (group, sequence number), hands
 * the bytes to {@link Flows}, and breaks a group when a member or a service process of it is
 * lost (its collectives fail here and, through BREAK, at the other service processes; later
 * ones fail at once until the group is revoked and re-created).
 *
 * <p>Thread safety: the UCX thread only (as every {@link OperationHandler} method).
 */
final class CollectiveService implements OperationHandler {

  private static final Logger LOG = LoggerFactory.getLogger(CollectiveService.class);
  private final OffloadEngine engine;
  private final OperationsImpl ops;
  private final CollectiveOptions options;
  private final GroupWait groups;
  private final Flows flows;
  private final Map<Breaks.Key, Round> rounds = new HashMap<>();
  private final Breaks breaks = new Breaks();
  private final CollectiveMesh mesh;
  /** Per rank peer: the groups it submitted in (to break them when it is lost). */
  private final Map<Served.PeerKey, Set<Integer>> groupsOf = new HashMap<>();

  CollectiveService(OffloadEngine engine, OperationsImpl ops, CollectiveOptions options) {
    this.engine = engine;
    this.ops = ops;
    this.options = options;
    this.groups = new GroupWait(engine, options.getGroupWaitMs(), ops.wire()::serviceProcessId);
    Staging staging = new Staging(options.getStagingBytes(), options.getChunkBytes());
    this.flows = new Flows(this, staging, ops.wire().ucxContext(), engine::ucpContext);
    this.mesh = new CollectiveMesh(this, engine.cache());
  }

  Map<Breaks.Key, Round> rounds() {
    return rounds;
  }

  Breaks breaks() {
    return breaks;
  }

  GroupWait groups() {
    return groups;
  }

  int me() {
    return ops.wire().serviceProcessId();
  }

  int chunk() {
    return options.getChunkBytes();
  }

  Flows flows() {
    return flows;
  }

  // ------------------------------------------------------------------ submissions

  @Override
  public void handle(Operation operation) {
    OperationImpl op = (OperationImpl) operation;
    Desc d;
    try {
      d = Desc.decode(op.type(), op.args());
    } catch (IllegalArgumentException e) {
      op.fail(OperationException.Kind.REJECTED, e.getMessage());
      return;
    }
    RankInfo src = op.source();
    if (src != null && src.groupId() == d.groupId && src.rank() != d.rank) {
      op.fail(OperationException.Kind.REJECTED, "rank " + src.rank() + " of group " + d.groupId
          + " submitted as rank " + d.rank);
      return;
    }
    groupsOf.computeIfAbsent(new Served.PeerKey(op.context(), op.peerId()), k -> new HashSet<>()).add(d.groupId);
    Breaks.Broken b = breaks.group(d.groupId, cacheSeq(d.groupId));
    if (b != null) {
      op.fail(b.kind(), b.reason()); // its group lost a member (which the cache may have dropped already)
      return;
    }
    groups.with(d.groupId, view -> submit(op, d, view), op::fail);
  }

  private void submit(OperationImpl op, Desc d, GroupView view) {
    if (op.isDone()) {
      return; // its rank was lost while the group was being waited for
    }
    String refused = refusal(d, view);
    if (refused != null) {
      op.fail(OperationException.Kind.REJECTED, refused);
      return;
    }
    Breaks.Key key = new Breaks.Key(d.groupId, d.seq);
    Breaks.Broken dead = breaks.deadEnd(key, view.cacheSeq);
    if (dead != null) {
      op.fail(dead.kind(), dead.reason());
      return;
    }
    Round r = rounds.computeIfAbsent(key, k -> new Round(this, view, d.kind, d.seq));
    for (int sp : view.others) {
      breaks.seen(sp);
    }
    int li = view.localIndex[d.rank];
    if (r.kind != d.kind) {
      r.abort(OperationException.Kind.FAILED, "members disagree on collective #" + d.seq + " of group " + d.groupId
          + ": " + OperationTypes.name(r.kind) + " and " + OperationTypes.name(d.kind), false);
      op.fail(OperationException.Kind.FAILED, r.aborted);
      return;
    }
    if (r.desc[li] != null) {
      op.fail(OperationException.Kind.REJECTED, "rank " + d.rank + " submitted " + r.name() + " twice");
      return;
    }
    PeerRegion send = region(op, d.sendRegion, d.sendLength, "send");
    PeerRegion recv = send == null ? null : region(op, d.recvRegion, d.recvLength, "receive");
    if (recv != null) {
      r.submit(li, op, d, send, recv);
    }
  }

  /** The region the rank names, as it exposed it to this service process; else the operation fails. */
  private static PeerRegion region(OperationImpl op, int id, long length, String what) {
    PeerRegion p = op.context().peerRegion(op.peerId(), id).orElse(null);
    String bad = p == null ? "is not exposed to this service process" : p.length() != length
        ? "has " + p.length() + " bytes, not " + length : null;
    if (bad != null) {
      op.fail(OperationException.Kind.REJECTED, "the " + what + " region " + id + " of rank " + op.source() + " " + bad);
      return null;
    }
    return p;
  }

  private String refusal(Desc d, GroupView view) {
    if (d.size != view.size) {
      return "group " + d.groupId + " has " + view.size + " members, the call says " + d.size;
    }
    if (view.localIndex[d.rank] < 0) {
      return "rank " + d.rank + " of group " + d.groupId + " is served by service process "
          + view.serviceProcessOf[d.rank] + ", not by this one (" + me() + ")";
    }
    return null;
  }

  // ------------------------------------------------------------------ from the rounds and flows

  /** Sends a round's message to {@code sp}; a failed send aborts the round. */
  void mesh(int sp, Buffer message, Round r) {
    meshRaw(sp, message).onFailure(e -> {
      if (r.live()) {
        r.abort(OperationException.Kind.SERVICE_PROCESS_LOST, r.name() + ": cannot reach service process " + sp
            + ": " + e.getMessage(), false);
      }
    });
  }

  Future<Void> meshRaw(int sp, Buffer message) {
    return ops.meshSend(sp, OperationTypes.ALLTOALLV, message);
  }

  void finished(Round r) {
    rounds.remove(new Breaks.Key(r.view.groupId, r.seq), r);
  }

  void aborted(Round r, boolean fromMesh) {
    Breaks.Key key = new Breaks.Key(r.view.groupId, r.seq);
    rounds.remove(key, r);
    breaks.failed(key, r.view.cacheSeq, r.abortKind, r.aborted);
    flows.abandon(r);
    if (!fromMesh) {
      for (int sp : r.view.others) {
        meshRaw(sp, MeshMessages.abort(r.view.groupId, r.seq, r.aborted));
      }
    }
  }

  // ------------------------------------------------------------------ mesh

  @Override
  public void meshMessage(int from, Buffer b) {
    mesh.onMessage(from, b);
  }

  // ------------------------------------------------------------------ losses

  @Override
  public void rankLost(ExecutionContext context, int peerId, RankInfo rank, String reason) {
    Set<Integer> gs = groupsOf.remove(new Served.PeerKey(context, peerId));
    Set<Integer> all = gs == null ? new HashSet<>() : new HashSet<>(gs);
    if (rank != null) {
      all.add(rank.groupId());
    }
    String who = rank == null ? "a rank of " + context.id() : "rank " + rank.rank() + " (group " + rank.groupId() + ")";
    for (int g : all) {
      breakGroup(g, OperationException.Kind.RANK_LOST, who + " was lost: " + reason, true);
    }
  }

  @Override
  public void serviceProcessLost(int sp, String reason) {
    flows.serviceProcessLost(sp);
    for (GroupView v : groups.views()) {
      if (v.hasServiceProcess(sp)) {
        breakGroup(v.groupId, OperationException.Kind.SERVICE_PROCESS_LOST, "service process " + sp + " was lost: "
            + reason, false);
      }
    }
  }

  /** Fails every collective of group {@code g} here (and, if {@code tell}, at its other service processes). */
  void breakGroup(int g, OperationException.Kind kind, String reason, boolean tell) {
    GroupView v = groups.known(g);
    long cacheSeq = v != null ? v.cacheSeq : cacheSeq(g);
    if (!breaks.breakGroup(g, cacheSeq, kind, reason)) {
      return;
    }
    LOG.info("service process {}: collectives of group {} fail: {}", me(), g, reason);
    List<Round> of = new ArrayList<>();
    for (Round r : rounds.values()) {
      if (r.view.groupId == g) {
        of.add(r);
      }
    }
    of.forEach(r -> r.abort(kind, reason, true));
    groups.fail(g, kind, reason);
    if (tell) {
      breaks.toTell(v == null ? new int[0] : v.others).forEach(sp -> meshRaw(sp, MeshMessages.brk(g, kind.ordinal(),
          reason)));
    }
  }

  /** The group's sequence number in the cache, or -1 when the cache has no entry of it (left, or never known). */
  private long cacheSeq(int g) {
    try {
      return engine.cache().sequence(g);
    } catch (CacheMissException e) {
      return -1;
    }
  }

  /** Closing: every collective fails; the staging region is released. */
  void close(String reason) {
    for (Round r : new ArrayList<>(rounds.values())) {
      r.abort(OperationException.Kind.CLOSED, reason, true);
    }
    flows.close();
  }
}
