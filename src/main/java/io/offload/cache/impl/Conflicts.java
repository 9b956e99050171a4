package io.offload.cache.impl;

import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.notify.EventTypes;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Conflicting claims that two service processes admitted before their mesh link was up (each
 * checks only what it knows at bootstrap): the same rank of a group claimed at both, or a group
 * claimed with different sizes (or numbers of service processes per rank). Such a group can
 * never become whole everywhere. The service process that finds one, on the entries of a mesh
 * peer, keeps its own entry, fails its own waiters of the group, tells its local members
 * ({@code CACHE_CONFLICT}, with the reason: their waiters fail with it, and so do their
 * {@code whenComplete} calls while it holds) and hands them the group no more; members that join
 * later are told too. It holds until the group loses a member somewhere (a removal: the
 * conflicting claimant may be gone), then the members get the group when it is whole.
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class Conflicts {

  private static final Logger LOG = LoggerFactory.getLogger(Conflicts.class);

  private final Links links;
  private final CacheTables tables;
  /** Per group, the conflict reported (once) and not cleared since. */
  private final Map<Integer, Buffer> reported = new HashMap<>();
  /** On a rank: per group, the conflict its service process reported (read by whenComplete on any thread). */
  private final Map<Integer, String> told = new java.util.concurrent.ConcurrentHashMap<>();

  private final Outbox outbox;

  Conflicts(Links links, CacheTables tables, Outbox outbox) {
    this.links = links;
    this.tables = tables;
    this.outbox = outbox;
  }

  /**
   * An entry from mesh peer {@code sp}: rank {@code rank} of the group, its service process of
   * index {@code index}. True (and reported) when this service process is that rank's primary
   * already, through a local member: the entry must not replace ours.
   */
  boolean claimedHere(int groupId, long seq, int rank, int index, int sp) {
    if (index != 0 || links.localSp < 0 || sp == links.localSp) {
      return false;
    }
    PeerImpl local = links.members.peer(groupId, rank);
    if (local == null || local.serviceIndex() != 0) {
      return false;
    }
    report(groupId, seq, "conflicting claims: rank " + rank + " of group " + groupId + " is claimed at service process "
        + links.localSp + " and at service process " + sp + " (two processes claim the same rank)");
    return true;
  }

  /** A mesh peer's entry of another size (or width) than the group has here. */
  void sizeConflict(int groupId, long seq, int size, int width, int rank, int sp) {
    GroupTable t = tables.table(groupId);
    if (t == null || links.localSp < 0) {
      return;
    }
    report(groupId, seq, "conflicting claims: group " + groupId + " has size " + t.size + perRank(t.width)
        + " at service process " + links.localSp + " but size " + size + perRank(width) + " at service process " + sp
        + " (its rank " + rank + " claims so)");
  }

  private static String perRank(int width) {
    return width > 1 ? " (" + width + " service processes per rank)" : "";
  }

  private void report(int groupId, long seq, String why) {
    if (reported.containsKey(groupId)) {
      return; // told once; later members get the same
    }
    LOG.warn("{}: {}", links.engineId, why);
    Buffer m = CacheMessages.conflict(groupId, seq, why);
    reported.put(groupId, m);
    tables.failPending(groupId, why);
    links.members.of(groupId).forEach(p -> links.send(p, EventTypes.CACHE_CONFLICT, m));
  }

  /** A local member of the group is ready: it learns of a conflict found before it came. */
  void tell(PeerImpl member, int groupId) {
    Buffer m = reported.get(groupId);
    if (m != null) {
      links.send(member, EventTypes.CACHE_CONFLICT, m);
    }
  }

  /** Whether a conflict of the group was reported here and holds. */
  boolean holds(int groupId) {
    return reported.containsKey(groupId);
  }

  /** The group lost an entry (or a rank got it whole): what was reported may be over. Returns whether something was. */
  boolean clear(int groupId) {
    told.remove(groupId);
    return reported.remove(groupId) != null;
  }

  /** A conflict of the group may be over (it lost an entry): the members get the group if it is whole here. */
  void resolved(int groupId) {
    GroupTable t = tables.table(groupId);
    if (clear(groupId) && t != null && t.index != null) {
      links.members.of(groupId).forEach(m -> outbox.sendGroup(m, t));
    }
  }

  /** On a rank: why the group cannot become whole, as its service process said, or null. Any thread. */
  String told(int groupId) {
    return told.get(groupId);
  }

  /** CACHE_CONFLICT, on a rank from one of its service processes: its waiters of the group fail with the reason. */
  void onConflict(PeerImpl from, Buffer payload) {
    if (from.context().scope() != Scope.HOST_SERVICE || from.context().role() != Role.CLIENT) {
      return;
    }
    CacheMessages.Conflict c = CacheMessages.decodeConflict(payload);
    LOG.warn("{}: group {} cannot become whole: {}", links.engineId, c.groupId(), c.reason());
    told.put(c.groupId(), c.reason());
    tables.failPending(c.groupId(), c.reason());
  }
}
