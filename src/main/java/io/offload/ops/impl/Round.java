package io.offload.ops.impl;

import io.offload.ops.OperationException;
import io.offload.ops.OperationTypes;
import io.vertx.core.buffer.Buffer;
import io.offload.memory.PeerRegion;

import java.util.ArrayList;
import java.util.List;

/**
 * One collective (group, sequence number) at one service process: the arguments of its local
 * ranks as they arrive, the blocks they send and receive, and when each local rank is done:
 * every byte it sends read, every block it receives confirmed (the sender's length equals what
 * it expects) and put (each put is visible at the rank when it completes). A failure aborts the whole collective here and at
 * the other service processes; each local rank's operation then fails once no transfer touches
 * its memory any more.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class Round {

  static final byte WAITING = 0;
  static final byte ACTIVE = 1;
  static final byte ENDED = 2;

  final CollectiveService svc;
  final GroupView view;
  final int kind;
  final long seq;
  final Desc[] desc;
  final OperationImpl[] op;
  /** Each local rank's send and receive regions, as exposed to this service process. */
  final PeerRegion[] send;
  final PeerRegion[] recv;
  final int[] reads;
  final int[] unconfirmed;
  final long[] inBytes;
  final int[] inflight;
  final byte[] state;
  private final List<List<Block>> waiting = new ArrayList<>();
  private int ended;
  String aborted;
  OperationException.Kind abortKind;

  Round(CollectiveService svc, GroupView view, int kind, long seq) {
    this.svc = svc;
    this.view = view;
    this.kind = kind;
    this.seq = seq;
    int n = view.local.length;
    desc = new Desc[n];
    op = new OperationImpl[n];
    send = new PeerRegion[n];
    recv = new PeerRegion[n];
    reads = new int[n];
    unconfirmed = new int[n];
    inBytes = new long[n];
    inflight = new int[n];
    state = new byte[n];
    for (int i = 0; i < n; i++) {
      waiting.add(new ArrayList<>());
    }
  }

  String name() {
    return OperationTypes.name(kind) + " #" + seq + " of group " + view.groupId;
  }

  /** Local rank {@code li}'s arguments arrived, with its regions. */
  void submit(int li, OperationImpl o, Desc d, PeerRegion sendRegion, PeerRegion recvRegion) {
    desc[li] = d;
    op[li] = o;
    send[li] = sendRegion;
    recv[li] = recvRegion;
    state[li] = ACTIVE;
    unconfirmed[li] = view.size;
    inBytes[li] = d.expectedBytes();
    planSends(li, d);
    List<Block> w = waiting.get(li);
    for (int i = 0; i < w.size() && aborted == null; i++) {
      Block b = w.get(i);
      if (--b.missing == 0) {
        ready(b);
      }
    }
    w.clear();
    checkDone(li);
  }

  /** This local sender's blocks: those for local ranks wait for them; the others are offered to their service processes. */
  private void planSends(int li, Desc d) {
    int me = view.local[li];
    int chunk = svc.chunk();
    int[][] blocks = new int[view.others.length][];
    int[][] lengths = new int[view.others.length][];
    int[] counts = new int[view.others.length];
    for (int b = 0; b < d.blocks(); b++) {
      int len = d.blockLength(b);
      int[] dests = localDests(b);
      if (dests.length > 0) {
        register(new Block(this, me, b, len, d.blockOffset(b), svc.me(), dests));
        reads[li] += Block.chunks(len, chunk);
      }
      for (int k = 0; k < view.others.length; k++) {
        if (offersTo(b, view.others[k])) {
          if (blocks[k] == null) {
            blocks[k] = new int[Math.max(4, d.blocks())];
            lengths[k] = new int[blocks[k].length];
          }
          blocks[k][counts[k]] = b;
          lengths[k][counts[k]++] = len;
          reads[li] += Block.chunks(len, chunk);
        }
      }
    }
    for (int k = 0; k < view.others.length; k++) {
      Buffer offer = MeshMessages.offer(view.groupId, seq, kind, me, blocks[k] == null ? new int[0] : blocks[k],
          lengths[k] == null ? new int[0] : lengths[k], counts[k]);
      svc.mesh(view.others[k], offer, this);
    }
  }

  private boolean offersTo(int b, int sp) {
    return kind == OperationTypes.ALLTOALLV ? view.serviceProcessOf[b] == sp : true;
  }

  /** Local indices of the receivers of block {@code b}. */
  int[] localDests(int b) {
    if (kind == OperationTypes.ALLTOALLV) {
      int li = view.localIndex[b];
      return li < 0 ? new int[0] : new int[] {li};
    }
    int[] all = new int[view.local.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return all;
  }

  /** Another service process offers sender {@code src}'s blocks for the ranks here. */
  void offer(int fromSp, int src, int[] blocks, int[] lengths) {
    if (src < 0 || src >= view.size || view.serviceProcessOf[src] != fromSp) {
      abort(OperationException.Kind.FAILED, "service process " + fromSp + " offered blocks of rank " + src
          + ", which it does not serve", false);
      return;
    }
    for (int i = 0; i < blocks.length && aborted == null; i++) {
      int[] dests = blocks[i] >= 0 && blocks[i] < view.size ? localDests(blocks[i]) : new int[0];
      if (dests.length == 0 || lengths[i] < 0) {
        abort(OperationException.Kind.FAILED, "service process " + fromSp + " offered block " + blocks[i] + " of "
            + lengths[i] + " bytes of rank " + src + ", which no rank here receives", false);
        return;
      }
      register(new Block(this, src, blocks[i], lengths[i], -1, fromSp, dests));
    }
  }

  private void register(Block b) {
    if (aborted != null) {
      return;
    }
    for (int d : b.dests) {
      if (desc[d] == null) {
        b.missing++;
        waiting.get(d).add(b);
      }
    }
    if (b.missing == 0) {
      ready(b);
    }
  }

  /** Every receiver of {@code b} is known: check the lengths agree, then move it. */
  private void ready(Block b) {
    if (aborted != null) {
      return;
    }
    for (int k = 0; k < b.dests.length; k++) {
      Desc r = desc[b.dests[k]];
      int expected = r.expects(b.src);
      if (expected != b.length) {
        abort(OperationException.Kind.FAILED, name() + ": rank " + b.src + " sends " + b.length + " bytes to rank "
            + r.rank + ", which expects " + expected, false);
        return;
      }
      b.destOffsets[k] = r.landsAt(b.src);
      unconfirmed[b.dests[k]]--;
    }
    if (b.length > 0) {
      svc.flows().enqueue(b);
    } else {
      for (int d : b.dests) {
        checkDone(d);
      }
    }
  }

  // ------------------------------------------------------------------ accounting, from the flows

  /** A transfer touching local rank {@code li}'s memory ended. */
  void moveEnded(int li) {
    inflight[li]--;
    if (aborted != null) {
      if (inflight[li] == 0 && state[li] == ACTIVE) {
        end(li, false);
      }
    } else {
      checkDone(li);
    }
  }

  void checkDone(int li) {
    if (aborted != null || state[li] != ACTIVE || reads[li] != 0 || unconfirmed[li] != 0 || inBytes[li] != 0
        || inflight[li] != 0) {
      return;
    }
    end(li, true);
  }

  private void end(int li, boolean ok) {
    state[li] = ENDED;
    if (ok) {
      op[li].complete(Buffer.buffer());
    } else {
      op[li].fail(abortKind, aborted);
    }
    if (++ended == view.local.length) {
      svc.finished(this);
    }
  }

  /**
   * Fails the collective: nothing new starts, every local rank's operation fails once its
   * transfers have ended, and (unless the news came from there) the other service processes hear.
   */
  void abort(OperationException.Kind why, String reason, boolean fromMesh) {
    if (aborted != null) {
      return;
    }
    aborted = reason;
    abortKind = why;
    waiting.forEach(List::clear);
    svc.aborted(this, fromMesh);
    for (int li = 0; li < state.length; li++) {
      if (state[li] == ACTIVE && inflight[li] == 0) {
        end(li, false);
      }
    }
  }

  boolean live() {
    return aborted == null;
  }
}
