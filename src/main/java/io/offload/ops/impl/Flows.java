package io.offload.ops.impl;

import io.offload.ops.OperationException;
import io.vertx.core.Context;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRemoteKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Moves the bytes of every collective at this service process through its {@link Staging}
 * slots. Rank to rank here: get a chunk of the sender into a local slot, put it into each
 * receiver. From a rank here to ranks of another service process, which asks (PULL) when its
 * receivers are known and it holds an inbound slot: get the chunk into an outbound slot, tell
 * it (READY); it gets the slot's bytes, frees the slot (RELEASE) and puts them into its ranks.
 * Receiver-driven, and each pool drains on its own, so slots can never deadlock.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class Flows {

  private static final Logger LOG = LoggerFactory.getLogger(Flows.class);

  private record ReadReq(Round round, int li, long offset, int length, int requester, int pull, int generation) {
  }

  private record RemoteStaging(UcpEndpoint ep, UcpRemoteKey key, long address, int length, int chunk) {
  }

  private final CollectiveService svc;
  private final Staging staging;
  private final Context ucx;
  private final Supplier<UcpContext> ucp;
  private final Pulls pulls = new Pulls();
  private final ArrayDeque<Block> localQueue = new ArrayDeque<>();
  private final ArrayDeque<Block> pullQueue = new ArrayDeque<>();
  private final ArrayDeque<ReadReq> readQueue = new ArrayDeque<>();
  private final ArrayDeque<Move> pool = new ArrayDeque<>();
  private final ArrayDeque<Move> ended = new ArrayDeque<>();
  private final Map<Integer, RemoteStaging> remote = new HashMap<>();
  private final Set<Integer> stagingSent = new HashSet<>();
  private int[] outboundOwner;
  private boolean drainScheduled;
  private final Runnable drain = this::drain;

  Flows(CollectiveService svc, Staging staging, Context ucx, Supplier<UcpContext> ucp) {
    this.svc = svc;
    this.staging = staging;
    this.ucx = ucx;
    this.ucp = ucp;
  }

  private void ensureStaging() {
    if (!staging.ready()) {
      staging.ensure(ucp.get());
      outboundOwner = new int[3 * staging.slotsPerPool];
      Arrays.fill(outboundOwner, -1);
    }
  }

  void enqueue(Block b) {
    ensureStaging();
    (b.local() ? localQueue : pullQueue).add(b);
    pump();
  }

  /** Starts what free slots allow, oldest first in each pool. */
  void pump() {
    int chunk = staging.chunk;
    while (!localQueue.isEmpty()) {
      Block b = localQueue.peek();
      if (!b.round.live()) {
        localQueue.poll();
        continue;
      }
      int slot = staging.acquire(Staging.LOCAL);
      if (slot < 0) {
        break;
      }
      int off = cut(b, chunk, localQueue);
      Round r = b.round;
      int li = r.view.localIndex[b.src];
      r.inflight[li]++;
      Move m = move().set(Move.LOCAL_GET, r, b, li, slot, off, Math.min(chunk, b.length - off));
      try {
        r.send[li].get(b.srcOffset + off, staging.view(slot, m.length)).onComplete(m);
      } catch (RuntimeException e) {
        m.onError(-1, e.toString());
      }
    }
    while (!pullQueue.isEmpty()) {
      Block b = pullQueue.peek();
      if (!b.round.live()) {
        pullQueue.poll();
        continue;
      }
      int slot = staging.acquire(Staging.INBOUND);
      if (slot < 0) {
        break;
      }
      int off = cut(b, chunk, pullQueue);
      Pulls.Pull p = pulls.add(b, off, Math.min(chunk, b.length - off), slot);
      Round r = b.round;
      svc.mesh(b.srcSp, MeshMessages.pull(r.view.groupId, r.seq, b.src, b.block, off, p.length, p.index,
          p.generation), r);
    }
    while (!readQueue.isEmpty()) {
      ReadReq q = readQueue.peek();
      if (!q.round().live()) {
        readQueue.poll();
        continue;
      }
      int slot = staging.acquire(Staging.OUTBOUND);
      if (slot < 0) {
        break;
      }
      readQueue.poll();
      Round r = q.round();
      r.inflight[q.li()]++;
      Move m = move().set(Move.READ, r, null, q.li(), slot, 0, q.length());
      m.requester = q.requester();
      m.pullIndex = q.pull();
      m.pullGeneration = q.generation();
      try {
        r.send[q.li()].get(q.offset(), staging.view(slot, q.length())).onComplete(m);
      } catch (RuntimeException e) {
        m.onError(-1, e.toString());
      }
    }
  }

  private static int cut(Block b, int chunk, ArrayDeque<Block> queue) {
    int off = b.cut(chunk);
    if (b.carved()) {
      queue.poll();
    }
    return off;
  }

  /** Service process {@code from} asks for {@code length} bytes at {@code offset} of a local sender's send region. */
  void read(Round r, int li, long offset, int length, int from, int pull, int generation) {
    ensureStaging();
    readQueue.add(new ReadReq(r, li, offset, length, from, pull, generation));
    pump();
  }

  /** The chunk a pull asked for is in {@code from}'s outbound slot {@code slot}. */
  void ready(int from, int pull, int generation, int slot) {
    Pulls.Pull p = pulls.find(pull, generation);
    RemoteStaging rs = remote.get(from);
    if (p == null || !p.block.round.live() || rs == null || (long) (slot + 1) * rs.chunk() > rs.length()) {
      svc.meshRaw(from, MeshMessages.release(slot));
      if (p != null) {
        if (rs == null && p.block.round.live()) {
          p.block.round.abort(OperationException.Kind.FAILED, "service process " + from
              + " answered a pull before describing its staging region", false);
        }
        giveUp(p);
      }
      return;
    }
    p.answered = true;
    Move m = move().set(Move.MESH_GET, p.block.round, p.block, -1, p.slot, p.offset, p.length);
    m.pull = p;
    m.remoteSlot = slot;
    m.requester = from;
    try {
      rs.ep().getNonBlocking(rs.address() + (long) slot * rs.chunk(), rs.key(), staging.address(p.slot), p.length, m);
    } catch (Throwable t) {
      m.onError(-1, t.toString());
    }
  }

  /** {@code from} has got outbound slot {@code slot}. */
  void release(int from, int slot) {
    if (outboundOwner == null || slot < 0 || slot >= outboundOwner.length || outboundOwner[slot] != from) {
      LOG.debug("release of slot {} by service process {}, which does not hold it", slot, from);
      return;
    }
    outboundOwner[slot] = -1;
    staging.release(slot);
    pump();
  }

  /** {@code from}'s staging region, unpacked on our endpoint to it. */
  void remoteStaging(int from, UcpEndpoint ep, long address, int length, int chunk, byte[] packedKey) {
    ByteBuffer k = ByteBuffer.allocateDirect(packedKey.length);
    k.put(packedKey).flip();
    RemoteStaging old = remote.put(from, new RemoteStaging(ep, ep.unpackRemoteKey(k), address, length, chunk));
    if (old != null) {
      old.key().close();
    }
  }

  // ------------------------------------------------------------------ completions

  /** From a UCX callback: queue, and handle in a task of its own. */
  void ended(Move m) {
    ended.add(m);
    if (!drainScheduled) {
      drainScheduled = true;
      ucx.runOnContext(v -> drain.run());
    }
  }

  private void drain() {
    drainScheduled = false;
    Move m;
    while ((m = ended.poll()) != null) {
      try {
        handle(m);
      } catch (RuntimeException e) {
        LOG.warn("collective transfer bookkeeping failed", e);
      }
      m.clear();
      pool.add(m);
    }
    pump();
  }

  private void handle(Move m) {
    Round r = m.round;
    if (!m.ok && r.live()) {
      r.abort(OperationException.Kind.FAILED, r.name() + ": UCX " + what(m) + " failed, " + m.error, false);
    }
    switch (m.kind) {
      case Move.LOCAL_GET -> {
        r.reads[m.li]--;
        if (m.ok && r.live()) {
          puts(r, m.block, m.slot, m.offset, m.length);
        }
        staging.release(m.slot);
        r.moveEnded(m.li);
      }
      case Move.PUT -> {
        staging.release(m.slot);
        if (m.ok) {
          r.inBytes[m.li] -= m.length;
        }
        r.moveEnded(m.li);
      }
      case Move.READ -> {
        r.reads[m.li]--;
        if (m.ok && r.live()) {
          handOver(r, m);
        } else {
          staging.release(m.slot);
        }
        r.moveEnded(m.li);
      }
      case Move.MESH_GET -> {
        svc.meshRaw(m.requester, MeshMessages.release(m.remoteSlot));
        if (m.ok && r.live()) {
          puts(r, m.block, m.slot, m.offset, m.length);
        }
        staging.release(m.slot);
        pulls.free(m.pull);
      }
      default -> throw new IllegalStateException("move of kind " + m.kind);
    }
  }

  private static String what(Move m) {
    return switch (m.kind) {
      case Move.LOCAL_GET, Move.READ -> "get from rank " + m.round.view.local[m.li];
      case Move.PUT -> "put into rank " + m.round.view.local[m.li];
      case Move.MESH_GET -> "get from service process " + m.requester;
      default -> "transfer of kind " + m.kind;
    };
  }

  /** The outbound slot holds the chunk: tell the service process that asked (its staging description first). */
  private void handOver(Round r, Move m) {
    int to = m.requester;
    outboundOwner[m.slot] = to;
    if (stagingSent.add(to)) {
      svc.meshRaw(to, MeshMessages.staging(staging.baseAddress(), staging.length(), staging.chunk, staging.packedKey()));
    }
    int slot = m.slot;
    svc.meshRaw(to, MeshMessages.ready(r.view.groupId, r.seq, m.pullIndex, m.pullGeneration, slot))
        .onFailure(e -> release(to, slot));
  }

  private void puts(Round r, Block b, int slot, int off, int len) {
    for (int k = 0; k < b.dests.length; k++) {
      int d = b.dests[k];
      staging.retain(slot);
      r.inflight[d]++;
      Move m = move().set(Move.PUT, r, b, d, slot, off, len);
      try {
        r.recv[d].put(b.destOffsets[k] + off, staging.view(slot, len)).onComplete(m);
      } catch (RuntimeException e) {
        m.onError(-1, e.toString());
      }
    }
  }

  private Move move() {
    Move m = pool.poll();
    return m != null ? m : new Move(this);
  }

  // ------------------------------------------------------------------ failures

  /** A round failed: its pulls not answered yet give their slots back. */
  void abandon(Round r) {
    for (Pulls.Pull p : pulls.unanswered(p -> p.block.round == r)) {
      giveUp(p);
    }
    pump();
  }

  private void giveUp(Pulls.Pull p) {
    staging.release(p.slot);
    pulls.free(p);
  }

  /** Service process {@code sp} is gone: what it held or was asked for here is released. */
  void serviceProcessLost(int sp) {
    for (Pulls.Pull p : pulls.unanswered(p -> p.block.srcSp == sp)) {
      giveUp(p);
    }
    readQueue.removeIf(q -> q.requester() == sp);
    if (outboundOwner != null) {
      for (int s = 0; s < outboundOwner.length; s++) {
        if (outboundOwner[s] == sp) {
          outboundOwner[s] = -1;
          staging.release(s);
        }
      }
    }
    RemoteStaging rs = remote.remove(sp);
    stagingSent.remove(sp);
    if (rs != null) {
      rs.key().close();
    }
    pump();
  }

  int pullsInUse() {
    return pulls.inUse();
  }

  void close() {
    remote.values().forEach(rs -> rs.key().close());
    remote.clear();
    staging.close();
  }
}
