package io.offload.cache.impl;

import io.offload.cache.IntView;
import io.offload.cache.RemoteRegion;
import io.offload.context.impl.PeerImpl;
import io.offload.notify.EventTypes;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the cache sends of its tables: a whole group to the local members once it is whole
 * (encoded once for all of them), this service process's own entries to a mesh peer, every
 * known entry of a group to any peer (application-driven fill), and this service process's
 * own region.
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class Outbox {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final Links links;
  private final CacheTables tables;
  private final Handles handles;
  private final OneSided oneSided;

  /** Whether a conflict of the group holds (its members get no group then). */
  java.util.function.IntPredicate conflicted = g -> false;

  Outbox(Links links, CacheTables tables, Handles handles, OneSided oneSided) {
    this.links = links;
    this.tables = tables;
    this.handles = handles;
    this.oneSided = oneSided;
  }

  /** A group became whole: a service process sends it to its local members. */
  void completed(GroupTable t) {
    LOG.debug("{}: group {} (sequence {}) complete, {} ranks", links.engineId, t.groupId, t.seq, t.size);
    int sp = links.localSp;
    if (sp < 0 || conflicted.test(t.groupId)) {
      return; // a conflict holds: the members were told, they get the group once it is over
    }
    Set<PeerImpl> sentTo = new HashSet<>();
    IntView mine = t.index.ranksServedBy(sp);
    Buffer whole = null; // encoded once for every member (sends copy their payload)
    for (int i = 0; i < mine.size(); i++) {
      PeerImpl p = links.members.peer(t.groupId, mine.get(i));
      if (p != null && sentTo.add(p)) {
        if (whole == null) {
          int[] all = t.knownRanks();
          whole = CacheMessages.entries(t, all, all.length);
        }
        links.send(p, EventTypes.CACHE_GROUP, whole);
      }
    }
  }

  /**
   * Application-driven fill: every known entry of group {@code groupId} (every group if < 0) to
   * peer {@code peerId} of {@code context}; throws if it is no peer there, or the group has no entries here.
   */
  Void sendKnown(int groupId, io.offload.context.ExecutionContext context, int peerId) {
    PeerImpl p = (PeerImpl) context.peer(peerId).orElseThrow(() -> new IllegalArgumentException("no peer " + peerId
        + " in " + context.id()));
    int sent = 0;
    for (int g : groupId < 0 ? tables.groups() : new int[] {groupId}) {
      sent += sendKnown(p, g) ? 1 : 0;
    }
    if (groupId >= 0 && sent == 0) {
      throw new io.offload.cache.CacheMissException("group " + groupId + " has no entries here");
    }
    return null;
  }

  /** Application-driven fill: every known entry of the group to {@code p} (CACHE_GROUP); false if none. */
  boolean sendKnown(PeerImpl p, int groupId) {
    GroupTable t = tables.table(groupId);
    if (t == null || t.known == 0) {
      return false;
    }
    sendGroup(p, t);
    return true;
  }

  void sendGroup(PeerImpl p, GroupTable t) {
    int[] all = t.knownRanks();
    links.send(p, EventTypes.CACHE_GROUP, CacheMessages.entries(t, all, all.length));
  }

  void sendOwnEntries(PeerImpl to, int groupId) {
    GroupTable t = tables.table(groupId);
    int sp = links.localSp;
    if (t == null || sp < 0) {
      return;
    }
    // this service process's entries: the ranks it is the primary of, and those it is a shadow of
    // (whose primary entry may not be here yet: their fields come with the shadow's own entry)
    org.agrona.collections.IntArrayList packed = new org.agrona.collections.IntArrayList();
    for (int r : t.knownRanks()) {
      if (t.spAcquire(r) == sp) {
        pack(packed, r, t.localRank(r), t.localSize(r), t.host(r), sp, CacheMessages.slot(0, t.width));
      }
    }
    if (t.shadows != null) {
      t.shadows.forEachRank(r -> {
        int i = t.shadows.indexOf(r, sp);
        int[] f = i <= 0 ? null : t.spAcquire(r) >= 0 ? new int[] {t.localRank(r), t.localSize(r), t.host(r)}
            : shadowFields(t.groupId, r);
        if (f != null) {
          pack(packed, r, f[0], f[1], f[2], sp, CacheMessages.slot(i, t.width));
        }
      });
    }
    int n = packed.size() / CacheMessages.INTS;
    if (n > 0) {
      links.send(to, EventTypes.CACHE_ENTRIES, CacheMessages.entries(t.groupId, t.seq, t.size, packed.toIntArray(), n));
    }
  }

  private static void pack(org.agrona.collections.IntArrayList out, int rank, int lr, int ls, int host, int sp,
      int slot) {
    out.addInt(rank);
    out.addInt(lr);
    out.addInt(ls);
    out.addInt(host);
    out.addInt(sp);
    out.addInt(slot);
  }

  /** localRank, localSize, host of a local rank this service process is a shadow of (from its link), or null. */
  private int[] shadowFields(int groupId, int rank) {
    PeerImpl p = links.members.peer(groupId, rank);
    var ri = p == null ? null : p.rank();
    return ri == null || ri.groupId() != groupId || ri.rank() != rank ? null
        : new int[] {ri.localRank(), ri.localSize(), ri.hostId()};
  }

  /** This service process publishes {@code region}: to its ranks and the mesh. */
  void publish(RemoteRegion region) {
    handles.putRegion(region);
    Buffer msg = CacheMessages.region(region);
    links.localRanks.forEach(p -> links.send(p, EventTypes.MEMORY_REGION, msg));
    links.toMesh(EventTypes.MEMORY_REGION, msg);
  }

  Optional<RemoteRegion> ownRegion() {
    return links.localSp < 0 || !oneSided.exposes() ? Optional.empty() : handles.region(links.localSp);
  }
}
