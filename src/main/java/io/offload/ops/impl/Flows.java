package io.offload.ops.impl;

import io.offload.ops.OperationException;
import io.vertx.core.Context;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
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

  private final CollectiveService svc;
  private final Staging staging;
  private final Supplier<UcpContext> ucp;
  private final Pulls pulls = new Pulls();
  private final ArrayDeque<Block> localQueue = new ArrayDeque<>();
  private final ArrayDeque<Block> pullQueue = new ArrayDeque<>();
  private final ArrayDeque<ReadReq> readQueue = new ArrayDeque<>();
  private final RemoteStagings remote = new RemoteStagings();
  private final Transfers transfers;

  Flows(CollectiveService svc, Staging staging, Context ucx, Supplier<UcpContext> ucp) {
    this.svc = svc;
    this.staging = staging;
    this.ucp = ucp;
    this.transfers = new Transfers(ucx, this::handle, this::pump);
  }

  private void ensureStaging() {
    if (!staging.ready()) {
      staging.ensure(ucp.get());
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
      Move m = transfers.move().set(Move.LOCAL_GET, r, b, li, slot, off, Math.min(chunk, b.length - off));
      transfers.get(m, r.send[li], b.srcOffset + off, staging.view(slot, m.length));
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
      Move m = transfers.move().set(Move.READ, r, null, q.li(), slot, 0, q.length());
      m.requester = q.requester();
      m.pullIndex = q.pull();
      m.pullGeneration = q.generation();
      transfers.get(m, r.send[q.li()], q.offset(), staging.view(slot, q.length()));
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
    RemoteStagings.Region rs = remote.of(from);
    if (p == null || !p.block.round.live() || rs == null || !rs.holds(slot)) {
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
    Move m = transfers.move().set(Move.MESH_GET, p.block.round, p.block, -1, p.slot, p.offset, p.length);
    m.pull = p;
    m.remoteSlot = slot;
    m.requester = from;
    transfers.get(m, rs, slot, staging.address(p.slot), p.length);
  }

  /** {@code from} has got outbound slot {@code slot}. */
  void release(int from, int slot) {
    if (!remote.release(slot, from)) {
      LOG.debug("release of slot {} by service process {}, which does not hold it", slot, from);
      return;
    }
    staging.release(slot);
    pump();
  }

  /** {@code from}'s staging region, unpacked on our endpoint to it. */
  void remoteStaging(int from, UcpEndpoint ep, long address, int length, int chunk, byte[] packedKey) {
    remote.described(from, ep, address, length, chunk, packedKey);
  }

  // ------------------------------------------------------------------ completions

  /** A transfer ended: the next step (puts after a get, a READY after a read, the accounting). */
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
    remote.hold(m.slot, to, 3 * staging.slotsPerPool);
    if (remote.tell(to)) {
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
      Move m = transfers.move().set(Move.PUT, r, b, d, slot, off, len);
      transfers.put(m, r.recv[d], b.destOffsets[k] + off, staging.view(slot, len));
    }
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
    remote.lost(sp, staging::release);
    pump();
  }

  int pullsInUse() {
    return pulls.inUse();
  }

  void close() {
    remote.close();
    staging.close();
  }
}
