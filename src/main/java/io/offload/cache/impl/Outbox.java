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
    if (sp < 0) {
      return;
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
    int[] mine = t.knownRanks();
    int n = 0;
    for (int r : mine) {
      if (t.spAcquire(r) == sp) {
        mine[n++] = r;
      }
    }
    if (n > 0) {
      links.send(to, EventTypes.CACHE_ENTRIES, CacheMessages.entries(t, mine, n));
    }
  }

  Optional<RemoteRegion> ownRegion() {
    return links.localSp < 0 || !oneSided.exposes() ? Optional.empty() : handles.region(links.localSp);
  }
}
