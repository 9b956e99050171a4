package io.offload.cache.impl;

import io.offload.cache.EntryOutcome;
import io.offload.context.BootstrapPhase;
import io.offload.topology.RankInfo;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.notify.EventTypes;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * How the cache fills and empties over the network.
 * <ul>
 *   <li>A service process adds each rank that reaches BOOTSTRAP_DONE with it (or joins a group
 *       through it), sends its own entries to every other service process of the mesh
 *       ({@code CACHE_ENTRIES}; all of them again when a mesh link comes up), and when a group
 *       is whole sends it to its local members ({@code CACHE_GROUP}).</li>
 *   <li>A local rank that leaves is removed and the others are told ({@code CACHE_REVOKE},
 *       kind REMOVE, naming the service process that served it); a lost service process takes
 *       its ranks' entries with it.</li>
 *   <li>A rank keeps a handle of its service process and fills its tables from what it sends.</li>
 * </ul>
 * This class handles links coming up and going down; {@link Arrivals} the messages.
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class Exchange {

  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

  private final Links links;
  private final CacheTables tables;
  private final Handles handles;
  private final OneSided oneSided;
  private final Revocations revocations;
  private final Fetches fetches;
  private final Outbox outbox;
  private final RankAddresses addresses;
  private final Directory directory;
  private final Reach reach;
  private final Conflicts conflicts;

  Exchange(Links links, CacheTables tables, Handles handles, OneSided oneSided, Revocations revocations,
      Fetches fetches, Outbox outbox, RankAddresses addresses, Directory directory, Reach reach, Conflicts conflicts) {
    this.conflicts = conflicts;
    this.addresses = addresses;
    this.directory = directory;
    this.reach = reach;
    this.fetches = fetches;
    this.outbox = outbox;
    this.links = links;
    this.tables = tables;
    this.handles = handles;
    this.oneSided = oneSided;
    this.revocations = revocations;
  }

  private String id() {
    return links.engineId;
  }

  // ---------------------------------------------------------------- links up and down

  void peerReady(PeerImpl p) {
    Scope scope = p.context().scope();
    Role role = p.context().role();
    if (scope == Scope.HOST_SERVICE && role == Role.SERVER) {
      localRankReady(p);
    } else if (scope == Scope.HOST_SERVICE && role == Role.CLIENT && p.serviceIndex() != 0) {
      // a shadow service process, or one linked to only: reachable, but not the one this rank goes through
      if (!reach.makes(p)) { // Reach puts its own links' handles in once their directory (after the region) arrived
        handles.put(new HandleImpl(p.serviceProcessId(), p.context(), p, null, oneSided));
      }
    } else if (scope == Scope.HOST_SERVICE && role == Role.CLIENT) {
      links.server = p;
      RankInfo me = links.configuredRank;
      if (me != null) {
        links.selfHost = me.hostId();
        links.myRanks.putIfAbsent(me.groupId(), me.rank());
      }
      handles.put(new HandleImpl(p.serviceProcessId(), p.context(), p, null, oneSided));
    } else if (scope == Scope.INTER_SERVICE) {
      int remote = remoteServiceProcess(p);
      if (remote < 0) {
        LOG.warn("{}: mesh peer {} did not say which service process it is; ignored", id(), p);
        return;
      }
      if (role == Role.SERVER && links.localSp < 0) {
        links.localSp = p.serviceProcessId();
      }
      links.mesh.add(p);
      handles.put(new HandleImpl(remote, p.context(), p, null, oneSided));
      directory.sendOwn(p);
      for (int g : tables.groups()) {
        outbox.sendOwnEntries(p, g);
      }
      outbox.ownRegion().ifPresent(r -> links.send(p, EventTypes.MEMORY_REGION, CacheMessages.region(r)));
      LOG.debug("{}: mesh link to service process {} up ({} links)", id(), remote, links.mesh.size());
    }
  }

  private void localRankReady(PeerImpl p) {
    if (links.localSp < 0) {
      links.localSp = p.serviceProcessId();
    }
    RankInfo ri = p.rank();
    links.localRanks.add(p);
    outbox.ownRegion().ifPresent(r -> links.send(p, EventTypes.MEMORY_REGION, CacheMessages.region(r)));
    directory.sendAll(p); // after the region: a link-only rank takes its handle as complete on it
    if (ri == null || p.serviceIndex() < 0) {
      return; // a link only: it reaches us, we serve nothing for it
    }
    if (links.selfHost < 0) {
      links.selfHost = ri.hostId(); // a rank's own service process runs on its host
      directory.ownHost(ri.hostId());
    }
    GroupTable t = tables.table(ri.groupId());
    EntryOutcome o = addLocal(p, ri.groupId(), t == null ? 0 : t.seq, ri.groupSize(), ri.rank(), ri.localRank(),
        ri.localSize(), ri.hostId(), CacheMessages.slot(p.serviceIndex(), p.serviceCount()));
    if (o == EntryOutcome.CONFLICT || o == EntryOutcome.TOO_LARGE) {
      // The bootstrap check passed but the group changed since: the rank must know, not wait forever.
      String why = Admission.refusal(tables, ri);
      p.link().terminate("cache refused this rank: " + (why != null ? why : o));
    }
  }

  /**
   * Adds a local rank's entry (as its primary, or its shadow: {@code slot}), tells the mesh, and
   * hands it the group if the group is already whole.
   */
  EntryOutcome addLocal(PeerImpl p, int g, long seq, int size, int rank, int lr, int ls, int host, int slot) {
    if (p.phase() == BootstrapPhase.DISCONNECTED) {
      return EntryOutcome.STALE;
    }
    GroupTable current = tables.table(g);
    if (current != null && seq > current.seq) {
      links.members.forget(g); // a newer sequence replaces the group: its old local members are no members
    }
    links.members.put(p, g, rank);
    int sp = links.localSp;
    EntryOutcome o = tables.put(g, seq, size, rank, lr, ls, host, sp, CacheMessages.slotIndex(slot),
        CacheMessages.slotWidth(slot));
    if (o == EntryOutcome.STALE || o == EntryOutcome.CONFLICT || o == EntryOutcome.TOO_LARGE) {
      LOG.warn("{}: entry of group {} rank {} (sequence {}) not added: {}", id(), g, rank, seq, o);
      links.members.remove(p, g, rank);
      return o;
    }
    links.entryToMesh(g, seq, size, rank, lr, ls, host, sp, slot);
    fetches.arrived(g, rank);
    conflicts.tell(p, g);
    GroupTable t = tables.table(g);
    if (o != EntryOutcome.COMPLETED && t != null && t.index != null) {
      outbox.sendGroup(p, t); // it joined a group that was already whole
    }
    return o;
  }

  void peerLost(PeerImpl p) {
    Scope scope = p.context().scope();
    if (scope == Scope.HOST_SERVICE && p.context().role() == Role.SERVER) {
      links.localRanks.remove(p);
      for (long k : links.members.drop(p)) {
        int g = LocalMembers.group(k);
        int rank = LocalMembers.rank(k);
        conflicts.resolved(g);
        GroupTable t = tables.table(g);
        if (t != null && tables.remove(g, t.seq, rank, links.localSp)) {
          Buffer remove = CacheMessages.revoke(g, t.seq, rank, links.localSp);
          links.toMesh(EventTypes.CACHE_REVOKE, remove);
          links.members.of(g).forEach(m -> links.send(m, EventTypes.CACHE_REVOKE, remove));
        }
        if (p.serviceIndex() == 0) { // a rank's vote goes through its primary: only its loss there counts as one
          revocations.memberLost(g, rank);
        }
      }
    } else if (scope == Scope.HOST_SERVICE) {
      if (links.server == p) {
        links.server = null;
        // No group can complete here any more: waiters learn why (a refusal, a lost service process).
        String why = "lost service process " + p.serviceProcessId() + ": " + p.disconnectReason();
        tables.failPending(why);
        revocations.failAll(why);
        fetches.failAll(why);
      }
      handles.remove(p.serviceProcessId(), p);
    } else if (scope == Scope.INTER_SERVICE) {
      links.mesh.remove(p);
      int lost = remoteServiceProcess(p);
      handles.remove(lost, p);
      if (lost >= 0 && lost != links.localSp) {
        serviceProcessLost(lost);
      }
    }
    oneSided.forget(p);
    fetches.forget(p);
    addresses.forget(p);
    reach.forget(p);
  }

  /**
   * A service process left the mesh: its ranks cannot be reached through it any more, so their
   * entries go, as if each of them had disconnected; the local ranks are told.
   */
  private void serviceProcessLost(int sp) {
    for (int g : tables.groups()) {
      GroupTable t = tables.table(g);
      if (t != null && tables.removeServedBy(g, t.seq, sp) > 0) {
        Buffer remove = CacheMessages.revoke(g, t.seq, -1, sp);
        links.members.of(g).forEach(m -> links.send(m, EventTypes.CACHE_REVOKE, remove));
      }
    }
  }

  static int remoteServiceProcess(PeerImpl p) {
    if (p.context().role() == Role.CLIENT) {
      return p.serviceProcessId();
    }
    RankInfo ri = p.rank();
    return ri == null ? -1 : ri.rank(); // on mesh links the rank field carries the global id
  }
}
