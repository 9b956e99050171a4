package io.offload.cache.impl;

import io.offload.cache.EntryOutcome;
import io.offload.cache.RemoteRegion;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.notify.EventTypes;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What the exchange's messages do here: entries ({@code CACHE_ENTRIES} from the mesh, or from a
 * local rank joining a group through this service process), whole groups ({@code CACHE_GROUP}),
 * published regions ({@code MEMORY_REGION}) and removals ({@code CACHE_REVOKE}, kind REMOVE).
 * Links coming up and going down are {@link Exchange}'s.
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class Arrivals {

  private static final Logger LOG = LoggerFactory.getLogger(Arrivals.class);

  private final Links links;
  private final CacheTables tables;
  private final Handles handles;
  private final Revocations revocations;
  private final Fetches fetches;
  private final Outbox outbox;
  private final Conflicts conflicts;
  private final Exchange exchange;

  Arrivals(Links links, CacheTables tables, Handles handles, Revocations revocations, Fetches fetches, Outbox outbox,
      Conflicts conflicts, Exchange exchange) {
    this.links = links;
    this.tables = tables;
    this.handles = handles;
    this.revocations = revocations;
    this.fetches = fetches;
    this.outbox = outbox;
    this.conflicts = conflicts;
    this.exchange = exchange;
  }

  private String id() {
    return links.engineId;
  }

  /** CACHE_ENTRIES: from a local rank, it joins a group through us; else entries of the exchange. */
  void onEntries(PeerImpl from, Buffer payload) {
    boolean fromRank = from.context().scope() == Scope.HOST_SERVICE && from.context().role() == Role.SERVER;
    if (fromRank && from.serviceIndex() < 0) {
      LOG.warn("{}: dropped cache entries from {}: a link-only rank joins nothing here", id(), from);
      return;
    }
    onEntries(from, payload, fromRank);
  }

  /**
   * CACHE_GROUP: entries as they are, from anyone: a service process sending a whole group to
   * its rank, or an application sending what it knows ({@code GroupCache.send}). The sequence,
   * conflict and maximum-size rules apply; nothing is passed on.
   */
  void onGroup(PeerImpl from, Buffer payload) {
    if (from == links.server && payload.length() >= 4) {
      conflicts.clear(payload.getInt(0)); // the group, whole at our service process: no conflict holds
    }
    onEntries(from, payload, false);
  }

  private void onEntries(PeerImpl from, Buffer payload, boolean fromLocalRank) {
    CacheMessages.Entries m = CacheMessages.decodeEntries(payload);
    if (revocations.queueIfRevoking(m.groupId(), m.seq(), () -> onEntries(from, payload, fromLocalRank))) {
      return; // a newer sequence of a group being revoked: replayed once the revocation is done
    }
    int[] e = m.entries();
    boolean fromMesh = from.context().scope() == Scope.INTER_SERVICE;
    for (int i = 0; i < e.length; i += CacheMessages.INTS) {
      int index = CacheMessages.slotIndex(e[i + 5]);
      int width = CacheMessages.slotWidth(e[i + 5]);
      if (width < 1 || width > CacheTables.MAX_WIDTH || index >= width) {
        throw new IllegalArgumentException("entry of rank " + e[i] + " has service process " + index + " of " + width);
      }
      if (fromLocalRank) { // a rank joins a group through us: we serve it (as its only one), whatever it says
        exchange.addLocal(from, m.groupId(), m.seq(), m.groupSize(), e[i], e[i + 1], e[i + 2], e[i + 3], CacheMessages.PRIMARY);
      } else if (!fromMesh || !conflicts.claimedHere(m.groupId(), m.seq(), e[i], index, e[i + 4])) {
        EntryOutcome o = tables.put(m.groupId(), m.seq(), m.groupSize(), e[i], e[i + 1], e[i + 2], e[i + 3],
            e[i + 4], index, width);
        if (o == EntryOutcome.CONFLICT) {
          LOG.debug("{}: conflicting entry for group {} rank {} from {}", id(), m.groupId(), e[i], from);
          if (fromMesh) {
            conflicts.sizeConflict(m.groupId(), m.seq(), m.groupSize(), width, e[i], e[i + 4]);
          }
        } else {
          fetches.arrived(m.groupId(), e[i]);
        }
      }
    }
  }

  /** A region published by a mesh peer, or by this rank's service process, for itself only. */
  void onRegion(PeerImpl from, Buffer payload) {
    RemoteRegion r = CacheMessages.decodeRegion(payload);
    // from the mesh, or from a service process this rank connected to (maybe before peerReady ran here)
    boolean linked = from.context().scope() == Scope.INTER_SERVICE
        || (from.context().scope() == Scope.HOST_SERVICE && from.context().role() == Role.CLIENT);
    if (!linked || Exchange.remoteServiceProcess(from) != r.serviceProcessId()) {
      LOG.warn("{}: dropped a memory region of service process {} from {}", id(), r.serviceProcessId(), from);
      return;
    }
    handles.putRegion(r);
  }

  /** A process left (REMOVE from the mesh, or from a rank's service process). */
  void onRemove(PeerImpl from, boolean fromMesh, CacheMessages.Revoke r) {
    List<PeerImpl> locals = links.members.of(r.groupId());
    conflicts.resolved(r.groupId());
    if (r.rank() >= 0) {
      GroupTable t = tables.table(r.groupId());
      if (!tables.remove(r.groupId(), r.seq(), r.rank(), r.serviceProcess()) && fromMesh && links.localSp >= 0
          && t != null && t.seq == r.seq()) {
        // The sender held an entry we never took (a conflicting claim pinned its copy): now that
        // it is gone, the sender may have freed the group, so it gets our entries again.
        outbox.sendOwnEntries(from, r.groupId());
      }
    } else {
      tables.removeServedBy(r.groupId(), r.seq(), r.serviceProcess());
    }
    if (links.localSp < 0) {
      return; // a rank: nothing to pass on
    }
    Buffer copy = CacheMessages.revoke(r.groupId(), r.seq(), r.rank(), r.serviceProcess());
    for (PeerImpl l : locals) {
      if (l != from) {
        links.send(l, EventTypes.CACHE_REVOKE, copy);
      }
    }
  }
}
