package io.offload.ops.impl;

import io.offload.cache.GroupCache;
import io.offload.ops.OperationException;
import io.offload.ops.OperationTypes;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the collective messages from other service processes go ({@link MeshMessages}): offers
 * to their rounds (waiting for the group when needed), pulls, answers and releases to the
 * flows, failures to the rounds and groups. A message about a group broken here is answered by
 * the news (it crossed ours).
 *
 * <p>Thread safety: the UCX thread only.
 */
final class CollectiveMesh {

  private static final Logger LOG = LoggerFactory.getLogger(CollectiveMesh.class);

  private final CollectiveService svc;
  private final GroupCache cache;

  CollectiveMesh(CollectiveService svc, GroupCache cache) {
    this.svc = svc;
    this.cache = cache;
  }

  void onMessage(int from, Buffer b) {
    byte kind = MeshMessages.kind(b);
    int g = MeshMessages.group(b);
    long seq = MeshMessages.seq(b);
    svc.breaks().seen(from);
    if ((kind == MeshMessages.OFFER || kind == MeshMessages.PULL) && tellIfBroken(from, g)) {
      return;
    }
    switch (kind) {
      case MeshMessages.OFFER -> svc.groups().with(g, view -> onOffer(from, view, seq, b),
          (k, reason) -> svc.breakGroup(g, k, reason, true));
      case MeshMessages.PULL -> onPull(from, g, seq, b);
      case MeshMessages.READY -> svc.flows().ready(from, MeshMessages.intAt(b, 0), MeshMessages.intAt(b, 1),
          MeshMessages.intAt(b, 2));
      case MeshMessages.RELEASE -> svc.flows().release(from, MeshMessages.intAt(b, 0));
      case MeshMessages.ABORT -> {
        Round r = svc.rounds().get(new Breaks.Key(g, seq));
        String reason = MeshMessages.text(b, 0);
        if (r != null) {
          r.abort(OperationException.Kind.FAILED, reason, true);
        } else if (svc.groups().known(g) != null) {
          svc.breaks().failed(new Breaks.Key(g, seq), svc.groups().known(g).cacheSeq, OperationException.Kind.FAILED,
              reason);
        }
      }
      case MeshMessages.BREAK -> {
        int k = b.getUnsignedByte(MeshMessages.HEADER);
        OperationException.Kind[] kinds = OperationException.Kind.values();
        svc.breakGroup(g, k < kinds.length ? kinds[k] : OperationException.Kind.FAILED,
            MeshMessages.text(b, 1), false);
      }
      case MeshMessages.STAGING -> {
        int at = MeshMessages.HEADER;
        int kl = b.getUnsignedShort(at + 16);
        svc.flows().remoteStaging(from, cache.handle(from).endpoint(), b.getLong(at), b.getInt(at + 8),
            b.getInt(at + 12), b.getBytes(at + 18, at + 18 + kl));
      }
      default -> LOG.warn("collective mesh message of unknown kind {} from service process {}", kind, from);
    }
  }

  /** A message for a group broken here: its sender may not know yet (the news crossed it). */
  private boolean tellIfBroken(int to, int g) {
    GroupView v = svc.groups().known(g);
    Breaks.Broken b = v == null ? null : svc.breaks().group(g, v.cacheSeq);
    if (b == null) {
      return false;
    }
    svc.meshRaw(to, MeshMessages.brk(g, b.kind().ordinal(), b.reason()));
    return true;
  }

  private void onOffer(int from, GroupView view, long seq, Buffer b) {
    MeshMessages.Offer o = MeshMessages.Offer.decode(b);
    Breaks.Key key = new Breaks.Key(view.groupId, seq);
    if (svc.breaks().deadEnd(key, view.cacheSeq) != null || view.local.length == 0) {
      return;
    }
    Round r = svc.rounds().computeIfAbsent(key, k -> new Round(svc, view, o.type(), seq));
    if (r.kind != o.type()) {
      r.abort(OperationException.Kind.FAILED, "members disagree on collective #" + seq + " of group " + view.groupId
          + ": " + OperationTypes.name(r.kind) + " and " + OperationTypes.name(o.type()), false);
      return;
    }
    r.offer(from, o.sender(), o.blocks(), o.lengths());
  }

  private void onPull(int from, int g, long seq, Buffer b) {
    Round r = svc.rounds().get(new Breaks.Key(g, seq));
    if (r == null) {
      return; // failed here meanwhile; the asker hears through ABORT
    }
    int sender = MeshMessages.intAt(b, 0);
    int block = MeshMessages.intAt(b, 1);
    int offset = MeshMessages.intAt(b, 2);
    int length = MeshMessages.intAt(b, 3);
    int li = sender >= 0 && sender < r.view.size ? r.view.localIndex[sender] : -1;
    Desc d = li < 0 ? null : r.desc[li];
    if (d == null || block < 0 || block >= d.blocks() || offset < 0 || length <= 0
        || (long) offset + length > d.blockLength(block)) {
      r.abort(OperationException.Kind.FAILED, r.name() + ": service process " + from + " asked for bytes ["
          + offset + ", " + ((long) offset + length) + ") of block " + block + " of rank " + sender
          + ", which it does not send", false);
      return;
    }
    svc.flows().read(r, li, (long) d.blockOffset(block) + offset, length, from, MeshMessages.intAt(b, 4),
        MeshMessages.intAt(b, 5));
  }
}
