package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.Handle;
import io.offload.cache.IntView;
import io.offload.cache.RemoteRegion;
import io.offload.context.RankInfo;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.engine.impl.EngineImpl;
import io.offload.notify.Channel;
import io.offload.notify.EventTypes;
import io.offload.notify.Notification;
import io.offload.ucx.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * An engine's group cache: the {@link CacheTables} plus how they fill and empty over the
 * network.
 * <ul>
 *   <li>A service process adds each rank that reaches BOOTSTRAP_DONE with it (or joins a group
 *       through it), sends its own entries to every other service process of the mesh
 *       ({@code CACHE_ENTRIES}), and when a group is whole sends it to its local members
 *       ({@code CACHE_GROUP}). A local rank that leaves is removed and the others are told
 *       ({@code CACHE_REVOKE} for one rank); a revoked group travels the same way.</li>
 *   <li>A rank keeps a handle of its service process and fills its tables from what that
 *       service process sends.</li>
 *   <li>Memory regions ({@code MEMORY_REGION}) go from a service process to its ranks and the
 *       mesh; {@link Handle#put}/{@link Handle#get} run here, one remote key unpacked per (peer,
 *       region).</li>
 * </ul>
 *
 * <p>Thread safety: every change runs on the engine's UCX progress thread (the library's
 * notification handlers already do; bootstrap events are handed over), so sends leave in the
 * order the changes were made. Lookups run on any thread (see {@link CacheTables}).
 */
public final class CacheService extends CacheLookups {

  private static final Logger LOG = LoggerFactory.getLogger(CacheService.class);

  private final EngineImpl engine;

  // progress thread only
  private volatile int localSp = -1;
  private volatile int selfHost = -1;
  private final Set<PeerImpl> mesh = new LinkedHashSet<>();
  private final Set<PeerImpl> localRanks = new LinkedHashSet<>();
  private final Map<Long, PeerImpl> members = new HashMap<>(); // (group, rank) of a local rank -> its peer
  private final Map<PeerImpl, Set<Long>> membership = new IdentityHashMap<>();
  private PeerImpl server; // on a rank: its service process
  private final Map<Integer, Integer> myRanks = new HashMap<>(); // on a rank: group -> its rank there
  private final OneSided oneSided;
  private final Revocations revocations;

  public CacheService(EngineImpl engine) {
    super(engine.options().getMaxGroupSize());
    this.engine = engine;
    this.oneSided = new OneSided(engine.ucx(), this::onLoop);
    tables.persistent(engine.options().isPersistentGroups());
    this.revocations = new Revocations(tables, new Revocations.Wire() {
      @Override
      public int localServiceProcess() {
        return localSp;
      }

      @Override
      public Iterable<PeerImpl> mesh() {
        return mesh;
      }

      @Override
      public List<PeerImpl> localMembersOf(int groupId) {
        return CacheService.this.localMembersOf(groupId);
      }

      @Override
      public void send(PeerImpl to, Buffer msg) {
        CacheService.this.send(to, EventTypes.CACHE_REVOKE, msg);
      }

      @Override
      public void revoked(int groupId, long seq) {
        forgetMembers(groupId);
        myRanks.remove(groupId);
        engine.vertx().eventBus().publish(revokedAddress(), new JsonObject().put("groupId", groupId).put("seq", seq),
            new DeliveryOptions().setLocalOnly(true));
      }
    }, engine.options().getWorldGroupId());
    var n = engine.notifications();
    n.onInternal(EventTypes.CACHE_ENTRIES, safely("entries", this::onEntries));
    n.onInternal(EventTypes.CACHE_GROUP, safely("group", this::onEntries));
    n.onInternal(EventTypes.CACHE_REVOKE, safely("revoke", this::onRevoke));
    n.onInternal(EventTypes.MEMORY_REGION, safely("region", (p, b) -> tables.putRegion(CacheMessages.decodeRegion(b))));
  }

  private static BiConsumer<Channel, Notification> safely(String what, BiConsumer<PeerImpl, Buffer> handler) {
    return (ch, n) -> {
      if (!(ch.owner() instanceof PeerImpl peer)) {
        return;
      }
      try {
        handler.accept(peer, n.payload());
      } catch (RuntimeException e) {
        LOG.warn("dropped a cache {} message from {}: {}", what, peer, e.getMessage());
      }
    };
  }

  /** This process is service process {@code id} (called when it starts a server). */
  public void serveAs(int id) {
    onLoop(() -> {
      if (localSp >= 0 && localSp != id) {
        LOG.warn("engine {} serves as service process {} and now {}", engine.id(), localSp, id);
      }
      localSp = id;
    });
  }

  @Override
  int selfHost() {
    return selfHost;
  }

  /** Global id of the service process this engine is, or -1. */
  public int localServiceProcess() {
    return localSp;
  }

  // ------------------------------------------------------------------ bootstrap events

  /**
   * Why a server of {@code scope} must refuse a client claiming {@code rank} at bootstrap, or
   * null (event loop, lock-free): its group is above {@code EngineOptions.maxGroupSize}, or
   * conflicts with the size the group has here. Mesh links are never refused here.
   */
  public String refusal(Scope scope, RankInfo rank) {
    return scope != Scope.HOST_SERVICE || rank == null ? null : tables.refusal(rank);
  }

  /** A peer reached BOOTSTRAP_DONE (any thread). */
  public void peerReady(PeerImpl peer) {
    onLoop(() -> onPeerReady(peer));
  }

  /** A peer is gone for good (any thread). */
  public void peerLost(PeerImpl peer) {
    onLoop(() -> onPeerLost(peer));
  }

  private void onPeerReady(PeerImpl p) {
    Scope scope = p.context().scope();
    Role role = p.context().role();
    if (scope == Scope.HOST_SERVICE && role == Role.SERVER) {
      localRankReady(p);
    } else if (scope == Scope.HOST_SERVICE && role == Role.CLIENT) {
      server = p;
      RankInfo me = engine.options().getRankInfo();
      if (me != null) {
        selfHost = me.hostId();
        myRanks.putIfAbsent(me.groupId(), me.rank());
      }
      tables.putHandle(new Handle(p.serviceProcessId(), p.context(), p, null, oneSided));
    } else if (scope == Scope.INTER_SERVICE) {
      int remote = remoteServiceProcess(p);
      if (remote < 0) {
        LOG.warn("{}: mesh peer {} did not say which service process it is; ignored", engine.id(), p);
        return;
      }
      if (role == Role.SERVER && localSp < 0) {
        localSp = p.serviceProcessId();
      }
      mesh.add(p);
      tables.putHandle(new Handle(remote, p.context(), p, null, oneSided));
      for (int g : tables.groups()) {
        sendOwnEntries(p, g);
      }
      Optional<RemoteRegion> own = ownRegion();
      own.ifPresent(r -> send(p, EventTypes.MEMORY_REGION, CacheMessages.region(r)));
      LOG.debug("{}: mesh link to service process {} up ({} links)", engine.id(), remote, mesh.size());
    }
  }

  private void localRankReady(PeerImpl p) {
    if (localSp < 0) {
      localSp = p.serviceProcessId();
    }
    RankInfo ri = p.rank();
    localRanks.add(p);
    ownRegion().ifPresent(r -> send(p, EventTypes.MEMORY_REGION, CacheMessages.region(r)));
    if (ri == null) {
      return;
    }
    if (selfHost < 0) {
      selfHost = ri.hostId(); // a rank's own service process runs on its host
    }
    GroupTable t = tables.table(ri.groupId());
    long seq = t == null ? 0 : t.seq;
    CacheTables.Outcome o = addLocal(p, ri.groupId(), seq, ri.groupSize(), ri.rank(), ri.localRank(), ri.localSize(),
        ri.hostId());
    if (o == CacheTables.Outcome.CONFLICT || o == CacheTables.Outcome.TOO_LARGE) {
      // The bootstrap check passed but the group changed since: the rank must know, not wait forever.
      String why = tables.refusal(ri);
      p.link().terminate("cache refused this rank: " + (why != null ? why : o));
    }
  }

  /** Adds a local rank's entry, tells the mesh, and hands it the group if the group is already whole. */
  private CacheTables.Outcome addLocal(PeerImpl p, int g, long seq, int size, int rank, int lr, int ls, int host) {
    if (p.phase() == io.offload.context.BootstrapPhase.DISCONNECTED) {
      return CacheTables.Outcome.STALE;
    }
    GroupTable current = tables.table(g);
    if (current != null && seq > current.seq) {
      forgetMembers(g); // a newer sequence replaces the group: its old local members are no members
    }
    long key = key(g, rank);
    members.put(key, p);
    membership.computeIfAbsent(p, x -> new HashSet<>()).add(key);
    CacheTables.Outcome o = tables.put(g, seq, size, rank, lr, ls, host, localSp);
    if (o == CacheTables.Outcome.STALE || o == CacheTables.Outcome.CONFLICT || o == CacheTables.Outcome.TOO_LARGE) {
      LOG.warn("{}: entry of group {} rank {} (sequence {}) not added: {}", engine.id(), g, rank, seq, o);
      members.remove(key);
      Set<Long> keys = membership.get(p);
      if (keys != null) {
        keys.remove(key);
      }
      return o;
    }
    Buffer entry = CacheMessages.entry(g, seq, size, rank, lr, ls, host, localSp);
    for (PeerImpl m : mesh) {
      send(m, EventTypes.CACHE_ENTRIES, entry);
    }
    if (o != CacheTables.Outcome.COMPLETED && tables.isComplete(g)) {
      sendGroup(p, tables.table(g)); // it joined a group that was already whole
    }
    return o;
  }

  private void onPeerLost(PeerImpl p) {
    Scope scope = p.context().scope();
    if (scope == Scope.HOST_SERVICE && p.context().role() == Role.SERVER) {
      localRanks.remove(p);
      Set<Long> keys = membership.remove(p);
      if (keys != null) {
        for (long k : keys) {
          int g = (int) (k >>> 32);
          int rank = (int) k;
          if (members.get(k) != p) {
            continue;
          }
          members.remove(k);
          GroupTable t = tables.table(g);
          if (t != null && tables.remove(g, t.seq, rank, localSp)) {
            Buffer revoke = CacheMessages.revoke(g, t.seq, rank, localSp);
            mesh.forEach(m -> send(m, EventTypes.CACHE_REVOKE, revoke));
            localMembersOf(g).forEach(m -> send(m, EventTypes.CACHE_REVOKE, revoke));
          }
          revocations.memberLost(g, rank);
        }
      }
    } else if (scope == Scope.HOST_SERVICE) {
      if (server == p) {
        server = null;
        // No group can complete here any more: waiters learn why (a refusal, a lost service process).
        String why = "lost service process " + p.serviceProcessId() + ": " + p.disconnectReason();
        tables.failPending(why);
        revocations.failAll(why);
      }
      tables.removeHandle(p.serviceProcessId(), p);
    } else if (scope == Scope.INTER_SERVICE) {
      mesh.remove(p);
      int lost = remoteServiceProcess(p);
      tables.removeHandle(lost, p);
      if (lost >= 0 && lost != localSp) {
        serviceProcessLost(lost);
      }
    }
    oneSided.forget(p);
  }

  /**
   * A service process left the mesh: its ranks cannot be reached through it any more, so their
   * entries go, as if each of them had disconnected; the local ranks are told.
   */
  private void serviceProcessLost(int sp) {
    for (int g : tables.groups()) {
      GroupTable t = tables.table(g);
      if (t != null && tables.removeServedBy(g, t.seq, sp) > 0) {
        Buffer revoke = CacheMessages.revoke(g, t.seq, -1, sp);
        localMembersOf(g).forEach(m -> send(m, EventTypes.CACHE_REVOKE, revoke));
      }
    }
  }

  private static int remoteServiceProcess(PeerImpl p) {
    if (p.context().role() == Role.CLIENT) {
      return p.serviceProcessId();
    }
    RankInfo ri = p.rank();
    return ri == null ? -1 : ri.rank(); // on mesh links the rank field carries the global id
  }

  // ------------------------------------------------------------------ messages (progress thread)

  private void onEntries(PeerImpl from, Buffer payload) {
    CacheMessages.Entries m = CacheMessages.decodeEntries(payload);
    if (revocations.queueIfRevoking(m.groupId(), m.seq(), () -> onEntries(from, payload))) {
      return; // a newer sequence of a group being revoked: replayed once the revocation is done
    }
    int[] e = m.entries();
    boolean fromLocalRank = from.context().scope() == Scope.HOST_SERVICE && from.context().role() == Role.SERVER;
    for (int i = 0; i < e.length; i += 5) {
      if (fromLocalRank) { // a rank joins a group through us: we serve it, whatever it says
        addLocal(from, m.groupId(), m.seq(), m.groupSize(), e[i], e[i + 1], e[i + 2], e[i + 3]);
      } else {
        CacheTables.Outcome o = tables.put(m.groupId(), m.seq(), m.groupSize(), e[i], e[i + 1], e[i + 2], e[i + 3],
            e[i + 4]);
        if (o == CacheTables.Outcome.CONFLICT) {
          LOG.warn("{}: conflicting entry for group {} rank {} from {}", engine.id(), m.groupId(), e[i], from);
        }
      }
    }
  }

  private void onRevoke(PeerImpl from, Buffer payload) {
    CacheMessages.Revoke r = CacheMessages.decodeRevoke(payload);
    boolean fromLocalRank = from.context().scope() == Scope.HOST_SERVICE && from.context().role() == Role.SERVER;
    boolean fromMesh = from.context().scope() == Scope.INTER_SERVICE;
    switch (r.kind()) {
      case CacheMessages.VOTE -> {
        if (fromLocalRank && r.rank() >= 0 && members.get(key(r.groupId(), r.rank())) == from) {
          revocations.onVote(r);
        } else {
          LOG.warn("{}: dropped a revocation vote for group {} rank {} from {} (not that member)", engine.id(),
              r.groupId(), r.rank(), from);
        }
      }
      case CacheMessages.COUNTS -> {
        if (fromMesh) {
          revocations.onCounts(r);
        }
      }
      case CacheMessages.DONE -> {
        if (from == server) {
          revocations.onDone(r);
        }
      }
      default -> {
        if (!fromLocalRank) {
          onRemove(from, fromMesh, r);
        }
      }
    }
  }

  /** A process left (REMOVE from the mesh, or from a rank's service process). */
  private void onRemove(PeerImpl from, boolean fromMesh, CacheMessages.Revoke r) {
    List<PeerImpl> locals = localMembersOf(r.groupId());
    if (r.rank() >= 0) {
      GroupTable t = tables.table(r.groupId());
      if (!tables.remove(r.groupId(), r.seq(), r.rank(), r.serviceProcess()) && fromMesh && localSp >= 0
          && t != null && t.seq == r.seq()) {
        // The sender held an entry we never took (a conflicting claim pinned its copy): now that
        // it is gone, the sender may have freed the group, so it gets our entries again.
        sendOwnEntries(from, r.groupId());
      }
    } else {
      tables.removeServedBy(r.groupId(), r.seq(), r.serviceProcess());
    }
    if (localSp < 0) {
      return; // a rank: nothing to pass on
    }
    Buffer copy = CacheMessages.revoke(r.groupId(), r.seq(), r.rank(), r.serviceProcess());
    for (PeerImpl l : locals) {
      if (l != from) {
        send(l, EventTypes.CACHE_REVOKE, copy);
      }
    }
  }

  /** A group became whole (on the progress thread). */
  @Override
  void completed(GroupTable t) {
    LOG.debug("{}: group {} (sequence {}) complete, {} ranks", engine.id(), t.groupId, t.seq, t.size);
    if (localSp < 0) {
      return;
    }
    Set<PeerImpl> sentTo = new HashSet<>();
    IntView mine = t.index.ranksServedBy(localSp);
    for (int i = 0; i < mine.size(); i++) {
      PeerImpl p = members.get(key(t.groupId, mine.get(i)));
      if (p != null && sentTo.add(p)) {
        sendGroup(p, t);
      }
    }
  }

  private void sendGroup(PeerImpl p, GroupTable t) {
    int[] all = t.knownRanks();
    send(p, EventTypes.CACHE_GROUP, CacheMessages.entries(t, all, all.length));
  }

  private void sendOwnEntries(PeerImpl to, int groupId) {
    GroupTable t = tables.table(groupId);
    if (t == null || localSp < 0) {
      return;
    }
    int[] mine = t.knownRanks();
    int n = 0;
    for (int r : mine) {
      if (t.spAcquire(r) == localSp) {
        mine[n++] = r;
      }
    }
    if (n > 0) {
      send(to, EventTypes.CACHE_ENTRIES, CacheMessages.entries(t, mine, n));
    }
  }

  private List<PeerImpl> localMembersOf(int groupId) {
    List<PeerImpl> out = new ArrayList<>();
    Set<PeerImpl> seen = new HashSet<>();
    for (Map.Entry<Long, PeerImpl> e : members.entrySet()) {
      if ((int) (e.getKey() >>> 32) == groupId && seen.add(e.getValue())) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  private void forgetMembers(int groupId) {
    members.keySet().removeIf(k -> (int) (k >>> 32) == groupId);
    membership.values().forEach(s -> s.removeIf(k -> (int) (k >>> 32) == groupId));
  }

  private void send(PeerImpl p, int type, Buffer payload) {
    engine.notifications().send(p.channel(), type, payload)
        .onFailure(e -> LOG.debug("{}: cache message {} to {} failed: {}", engine.id(), type, p, e.getMessage()));
  }

  private static long key(int groupId, int rank) {
    return ((long) groupId << 32) | (rank & 0xFFFFFFFFL);
  }

  private Optional<RemoteRegion> ownRegion() {
    return localSp < 0 || !oneSided.exposes() ? Optional.empty() : tables.region(localSp);
  }

  // ------------------------------------------------------------------ API: changes

  @Override
  public Future<Void> whenComplete(int groupId) {
    return onCaller(tables.whenComplete(groupId));
  }

  @Override
  public Future<Void> join(RankInfo member, long sequence) {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
    }
    Promise<Void> applied = ((ContextInternal) engine.vertx().getOrCreateContext()).promise();
    onLoop(() -> {
      if (server == null) {
        applied.fail(new IllegalStateException("join needs a bootstrapped link to a service process (a rank's client "
            + "context)"));
        return;
      }
      Runnable apply = () -> {
        int sp = server.serviceProcessId();
        myRanks.put(member.groupId(), member.rank());
        tables.put(member.groupId(), sequence, member.groupSize(), member.rank(), member.localRank(),
            member.localSize(), member.hostId(), sp);
        send(server, EventTypes.CACHE_ENTRIES, CacheMessages.entry(member.groupId(), sequence, member.groupSize(),
            member.rank(), member.localRank(), member.localSize(), member.hostId(), sp));
        applied.complete();
      };
      GroupTable t = tables.table(member.groupId());
      if (revocations.revoking(member.groupId()) && (t == null || sequence > t.seq)) {
        revocations.afterRevoke(member.groupId(), apply); // a re-add during our revoke waits for it
      } else {
        apply.run();
      }
    });
    return applied.future().compose(v -> whenComplete(member.groupId()));
  }

  /**
   * Revokes the group collectively (see {@link Revocations}): this rank's vote goes to its
   * service process; the future completes once every member has revoked and the group is gone
   * here. Fails for the world group ({@code EngineOptions.worldGroupId}).
   */
  @Override
  public Future<Void> revoke(int groupId) {
    return onProgress(() -> {
      Integer me = myRanks.get(groupId);
      if (server == null || me == null) {
        throw new IllegalStateException("only a member rank revokes a group (through its service process); this "
            + "process is not a member of group " + groupId);
      }
      return revocations.revoke(groupId, me, server);
    }).compose(f -> onCaller(f));
  }

  @Override
  public String revokedAddress() {
    return "offload." + engine.id() + ".cache.revoked";
  }

  @Override
  public Future<ByteBuffer> exposeMemory(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("bytes must be >= 1, got " + bytes);
    }
    return onProgress(() -> {
      if (localSp < 0) {
        throw new IllegalStateException("only a service process (an engine with a server context) exposes memory");
      }
      RemoteRegion region = oneSided.register(localSp, bytes);
      tables.putRegion(region);
      Buffer msg = CacheMessages.region(region);
      localRanks.forEach(p -> send(p, EventTypes.MEMORY_REGION, msg));
      mesh.forEach(p -> send(p, EventTypes.MEMORY_REGION, msg));
      return oneSided.buffer();
    });
  }

  /** Releases remote keys and the registered region; before the endpoints and the worker close. */
  public Future<Void> close() {
    tables.failWaiters("engine " + engine.id() + " closed");
    Promise<Void> done = engine.loop().promise();
    onLoop(() -> {
      oneSided.close();
      done.complete();
    });
    return done.future();
  }

  // ------------------------------------------------------------------ plumbing

  private UcxRuntime ucx() {
    return engine.ucx();
  }

  /**
   * Runs {@code task} on the progress thread inside its Vert.x context, so that futures made
   * there (sends) reuse that one context instead of creating one per call (shared/README §1).
   */
  private void onLoop(Runnable task) {
    ContextInternal ctx = ucx().context();
    ucx().execute(() -> ctx.dispatch(task));
  }

  private <T> Future<T> onProgress(Callable<T> task) {
    Promise<T> p = ((ContextInternal) engine.vertx().getOrCreateContext()).promise();
    onLoop(() -> {
      try {
        p.complete(task.call());
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  private <T> Future<T> onCaller(Future<T> f) {
    Promise<T> p = ((ContextInternal) engine.vertx().getOrCreateContext()).promise();
    f.onComplete(p);
    return p.future();
  }
}
