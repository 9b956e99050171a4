package io.offload.memory.impl;

import io.offload.context.BootstrapPhase;
import io.offload.topology.RankInfo;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.memory.PeerRegion;
import io.offload.ucx.impl.Rma;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer's side: regions other processes exposed to this one, found by (peer, id) and, for a
 * rank's regions on its service process, by (group, rank, id) of the rank's bootstrap identity.
 * A region leaves the lookups the moment it is withdrawn or lost; its key is destroyed (and a
 * withdrawal confirmed to the owner) once its accesses in flight are done.
 *
 * <p>Thread safety: lookups from any thread (concurrent maps); changes on the progress thread.
 */
final class PeerRegions {

  private static final Logger LOG = LoggerFactory.getLogger(PeerRegions.class);

  private final MemoryService service;
  private final UcxRuntime ucx;
  private final Map<PeerImpl, Map<Integer, PeerRegionImpl>> byPeer = new ConcurrentHashMap<>();
  /** (group, rank) of a rank's bootstrap identity -> its peer here. */
  private final Map<Long, PeerImpl> ranks = new ConcurrentHashMap<>();
  /** Progress thread: regions gone but with accesses in flight (their keys still alive). */
  private final List<PeerRegionImpl> draining = new ArrayList<>();

  PeerRegions(MemoryService service, UcxRuntime ucx) {
    this.service = service;
    this.ucx = ucx;
  }

  static long rankKey(int groupId, int rank) {
    return ((long) groupId << 32) | (rank & 0xFFFFFFFFL);
  }

  <T> Future<T> onCaller(Future<T> f) {
    return service.onCaller(f);
  }

  <T> Promise<T> callerPromise() {
    return service.callerPromise();
  }

  void runOnProgressThread(Runnable task) {
    service.runOnProgressThread(task);
  }

  // ---------------------------------------------------------------- lookups (any thread)

  Optional<PeerRegion> find(PeerImpl peer, int id) {
    Map<Integer, PeerRegionImpl> m = byPeer.get(peer);
    return Optional.ofNullable(m == null ? null : m.get(id));
  }

  List<PeerRegion> of(PeerImpl peer) {
    Map<Integer, PeerRegionImpl> m = byPeer.get(peer);
    List<PeerRegion> all = m == null ? new ArrayList<>() : new ArrayList<>(m.values());
    all.sort((a, b) -> Integer.compare(a.id(), b.id()));
    return all;
  }

  Optional<PeerRegion> findRank(int groupId, int rank, int id) {
    PeerImpl p = ranks.get(rankKey(groupId, rank));
    return p == null ? Optional.empty() : find(p, id);
  }

  // ---------------------------------------------------------------- messages (progress thread)

  /** EXPOSE: record the region (the key unpacked now, if the endpoint is there, to refuse a bad one) and confirm. */
  void onExpose(PeerImpl from, MemoryMessages.Message m) {
    if (from.phase() == BootstrapPhase.DISCONNECTED) {
      return;
    }
    Map<Integer, PeerRegionImpl> mine = byPeer.computeIfAbsent(from, p -> new ConcurrentHashMap<>());
    String refusal = m.length() < 1 ? "a region needs at least one byte, got " + m.length()
        : m.address() + m.length() < m.address() ? "region [0x" + Long.toHexString(m.address()) + ", +" + m.length()
            + ") wraps around"
        : mine.containsKey(m.regionId()) ? "region " + m.regionId() + " is already exposed"
        : mine.size() >= MemoryMessages.MAX_REGIONS_PER_PEER ? "a peer may expose at most "
            + MemoryMessages.MAX_REGIONS_PER_PEER + " regions at a time; withdraw some first"
        : null;
    PeerRegionImpl r = null;
    if (refusal == null) {
      r = new PeerRegionImpl(this, ucx, from, m.regionId(), m.address(), m.length(), m.key());
      UcpEndpoint ep = from.channel().endpoint();
      if (ep != null) {
        try {
          r.key = Rma.unpack(ep, m.key());
        } catch (Throwable t) {
          refusal = "its remote key does not unpack: " + t.getMessage();
        }
      }
    }
    if (mine.isEmpty() && refusal != null) {
      byPeer.remove(from, mine);
    }
    if (refusal != null) {
      MemoryService.PEER_WARNINGS.warn("{}: refused region {}: {}", from, m.regionId(), refusal);
      service.send(from, MemoryMessages.refused(m.regionId(), refusal));
      return;
    }
    mine.put(r.id, r);
    RankInfo ri = from.rank();
    if (ri != null && from.context().scope() == Scope.HOST_SERVICE && from.context().role() == Role.SERVER) {
      ranks.put(rankKey(ri.groupId(), ri.rank()), from);
    }
    service.send(from, MemoryMessages.simple(MemoryMessages.EXPOSED, r.id));
  }

  /** WITHDRAW: no access from now on; confirmed once those in flight are done (at once when none). */
  void onWithdraw(PeerImpl from, int id) {
    Map<Integer, PeerRegionImpl> mine = byPeer.get(from);
    PeerRegionImpl r = mine == null ? null : mine.get(id);
    if (r == null) {
      service.send(from, MemoryMessages.simple(MemoryMessages.WITHDRAWN, id)); // nothing of it here: done
      return;
    }
    end(r, "withdrawn by its owner", true);
  }

  /** Marks {@code r} gone and takes it out of the lookups; its key goes once nothing is in flight. */
  private void end(PeerRegionImpl r, String why, boolean confirm) {
    if (r.gone() != null) {
      return;
    }
    r.gone(why);
    r.confirm = confirm;
    Map<Integer, PeerRegionImpl> mine = byPeer.get(r.peer);
    if (mine != null) {
      mine.remove(r.id, r);
    }
    if (r.inFlight == 0) {
      drained(r);
    } else {
      draining.add(r);
    }
  }

  /** The last access of a gone region is done: destroy its key, confirm a withdrawal. */
  void drained(PeerRegionImpl r) {
    draining.remove(r);
    if (r.key != null) {
      try {
        r.key.close();
      } catch (Throwable t) {
        LOG.debug("destroying the key of {} failed", r, t);
      }
      r.key = null;
    }
    if (r.confirm && r.peer.phase() != BootstrapPhase.DISCONNECTED) {
      r.confirm = false;
      service.send(r.peer, MemoryMessages.simple(MemoryMessages.WITHDRAWN, r.id));
    }
  }

  /** The peer is gone: so are its regions (their accesses in flight fail with its endpoint). */
  void peerLost(PeerImpl peer) {
    Map<Integer, PeerRegionImpl> mine = byPeer.remove(peer);
    RankInfo ri = peer.rank();
    if (ri != null) {
      ranks.remove(rankKey(ri.groupId(), ri.rank()), peer);
    }
    if (mine != null) {
      for (PeerRegionImpl r : new ArrayList<>(mine.values())) {
        end(r, "its owner " + peer + " is lost: " + peer.disconnectReason(), false);
      }
    }
  }

  /** The engine closes, its endpoints are closed: every region and key goes. */
  void close() {
    for (PeerImpl p : new ArrayList<>(byPeer.keySet())) {
      Map<Integer, PeerRegionImpl> mine = byPeer.remove(p);
      for (PeerRegionImpl r : mine.values()) {
        end(r, "the engine closed", false);
      }
    }
    ranks.clear();
    for (PeerRegionImpl r : new ArrayList<>(draining)) {
      drained(r); // the endpoints are closed: nothing is in flight any more
    }
  }
}
