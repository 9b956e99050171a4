package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.EntryOutcome;
import io.offload.context.ExecutionContext;
import io.offload.cache.RemoteRegion;
import io.offload.topology.RankInfo;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.context.impl.OnCaller;
import io.offload.context.impl.Transport;
import io.offload.engine.EngineOptions;
import io.vertx.core.Vertx;
import io.offload.memory.PeerRegion;
import io.offload.notify.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * An engine's group cache: the lookups ({@link CacheLookups} over {@link CacheTables} and
 * {@link Handles}) plus the networked parts, each in its own class: {@link Exchange} (how the
 * tables fill and empty), {@link Revocations} (collective revocation), {@link OneSided} (memory
 * regions, put/get through a handle), {@link Fetches} (entries on demand), {@link Links} (who
 * this process is linked to), {@link Inbox} (where each message goes), {@link Admission} (what a
 * bootstrap may claim). This class wires them to the engine and runs the API calls on the right
 * thread.
 *
 * <p>Thread safety: every change runs on the engine's UCX progress thread (the library's
 * notification handlers already do; bootstrap events are handed over), so sends leave in the
 * order the changes were made. Lookups run on any thread (see {@link CacheLookups}).
 */
public final class CacheService extends CacheLookups {

  private static final Logger LOG = LoggerFactory.getLogger(CacheService.class);

  private final String engineId;
  private final Vertx vertx;
  private final Transport transport;
  private final Links links;
  private final OneSided oneSided;
  private final Revocations revocations;
  private final Exchange exchange;
  private final Fetches fetches;
  private final Outbox outbox;
  private final RankRegions rankRegions;

  /** The cache of engine {@code engineId}, within the limits of its {@code options}. */
  public CacheService(String engineId, Vertx vertx, Transport transport, EngineOptions options,
                      RankRegions rankRegions) {
    super(options.getMaxGroupSize());
    this.rankRegions = rankRegions;
    this.engineId = engineId;
    this.vertx = vertx;
    this.transport = transport;
    this.links = new Links(engineId, options.getRankInfo(), vertx, transport.notifications(), this::onLoop);
    this.oneSided = new OneSided(transport.ucx(), this::onLoop);
    tables.persistent(options.isPersistentGroups());
    this.revocations = new Revocations(tables, links, options.getWorldGroupId());
    this.fetches = new Fetches(links, tables);
    this.outbox = new Outbox(links, tables, handles, oneSided);
    this.exchange = new Exchange(links, tables, handles, oneSided, revocations, fetches, outbox);
    new Inbox(links, exchange, revocations, fetches).register(transport.notifications());
  }

  @Override
  void completed(GroupTable t) {
    outbox.completed(t);
  }

  @Override
  int selfHost() {
    return links.selfHost;
  }

  // ------------------------------------------------------------------ from the engine and the bootstrap

  /** This process is service process {@code id} (called when it starts a server). */
  public void serveAs(int id) {
    onLoop(() -> {
      if (links.localSp >= 0 && links.localSp != id) {
        LOG.warn("engine {} serves as service process {} and now {}", engineId, links.localSp, id);
      }
      links.localSp = id;
    });
  }

  /** Global id of the service process this engine is, or -1. */
  public int localServiceProcess() {
    return links.localSp;
  }

  /**
   * Why a server of {@code scope} must refuse a client claiming {@code rank} at bootstrap, or
   * null (event loop, lock-free): its group is above {@code EngineOptions.maxGroupSize}, or
   * conflicts with the size the group has here. Mesh links are never refused here.
   */
  public String refusal(Scope scope, RankInfo rank) {
    return scope != Scope.HOST_SERVICE || rank == null ? null : Admission.refusal(tables, rank);
  }

  /** A peer reached BOOTSTRAP_DONE (any thread). */
  public void peerReady(PeerImpl peer) {
    onLoop(() -> exchange.peerReady(peer));
  }

  /** A peer is gone for good (any thread). */
  public void peerLost(PeerImpl peer) {
    onLoop(() -> exchange.peerLost(peer));
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
    Promise<Void> applied = ((ContextInternal) vertx.getOrCreateContext()).promise();
    onLoop(() -> {
      PeerImpl server = links.server;
      if (server == null) {
        applied.fail(new IllegalStateException("join needs a bootstrapped link to a service process (a rank's client "
            + "context)"));
        return;
      }
      Runnable apply = () -> {
        int sp = server.serviceProcessId();
        links.myRanks.put(member.groupId(), member.rank());
        tables.put(member.groupId(), sequence, member.groupSize(), member.rank(), member.localRank(),
            member.localSize(), member.hostId(), sp);
        links.send(server, EventTypes.CACHE_ENTRIES, CacheMessages.entry(member.groupId(), sequence,
            member.groupSize(), member.rank(), member.localRank(), member.localSize(), member.hostId(), sp));
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
      Integer me = links.myRanks.get(groupId);
      if (links.server == null || me == null) {
        throw new IllegalStateException("only a member rank revokes a group (through its service process); this "
            + "process is not a member of group " + groupId);
      }
      return revocations.revoke(groupId, me, links.server);
    }).compose(this::onCaller);
  }

  @Override
  public Future<EntryOutcome> add(RankInfo entry, long sequence, int serviceProcessId) {
    if (sequence < 0 || serviceProcessId < 0) {
      throw new IllegalArgumentException("sequence and serviceProcessId must be >= 0, got " + sequence + ", "
          + serviceProcessId);
    }
    return onProgress(() -> {
      EntryOutcome o = tables.put(entry.groupId(), sequence, entry.groupSize(), entry.rank(), entry.localRank(),
          entry.localSize(), entry.hostId(), serviceProcessId);
      fetches.arrived(entry.groupId(), entry.rank());
      return o;
    });
  }

  @Override
  public Future<Void> send(int groupId, ExecutionContext context, int peerId) {
    return onProgress(() -> {
      PeerImpl p = (PeerImpl) context.peer(peerId).orElseThrow(() -> new IllegalArgumentException("no peer " + peerId
          + " in " + context.id()));
      int[] groups = groupId < 0 ? tables.groups() : new int[] {groupId};
      int sent = 0;
      for (int g : groups) {
        sent += outbox.sendKnown(p, g) ? 1 : 0;
      }
      if (groupId >= 0 && sent == 0) {
        throw new CacheMissException("group " + groupId + " has no entries here");
      }
      return null;
    });
  }

  @Override
  public Future<Integer> fetchServiceProcessOf(int groupId, int rank) {
    if (groupId < 0 || rank < 0) {
      throw new IllegalArgumentException("group and rank must be >= 0, got " + groupId + ", " + rank);
    }
    GroupTable t = tables.table(groupId);
    int sp = t == null || rank >= t.size ? -1 : t.spAcquire(rank);
    if (sp >= 0) {
      return Future.succeededFuture(sp); // known: no hop
    }
    return onProgress(() -> fetches.fetch(groupId, rank)).compose(this::onCaller);
  }

  @Override
  public String revokedAddress() {
    return links.revokedAddress();
  }

  @Override
  public Future<ByteBuffer> exposeMemory(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("bytes must be >= 1, got " + bytes);
    }
    return onProgress(() -> {
      int sp = links.localSp;
      if (sp < 0) {
        throw new IllegalStateException("only a service process (an engine with a server context) exposes memory");
      }
      RemoteRegion region = oneSided.register(sp, bytes);
      handles.putRegion(region);
      Buffer msg = CacheMessages.region(region);
      links.localRanks.forEach(p -> links.send(p, EventTypes.MEMORY_REGION, msg));
      links.toMesh(EventTypes.MEMORY_REGION, msg);
      return oneSided.buffer();
    });
  }

  @Override
  public Optional<PeerRegion> findRankRegion(int groupId, int rank, int regionId) {
    return rankRegions.find(groupId, rank, regionId);
  }

  /** Releases remote keys and the registered region; before the endpoints and the worker close. */
  public Future<Void> close() {
    String why = "engine " + engineId + " closed";
    tables.failPending(why);
    Promise<Void> done = ((ContextInternal) vertx.getOrCreateContext()).promise();
    onLoop(() -> {
      revocations.failAll(why);
      fetches.failAll(why);
      oneSided.close();
      done.complete();
    });
    return done.future();
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * Runs {@code task} on the progress thread inside its Vert.x context, so that futures made
   * there (sends) reuse that one context instead of creating one per call (shared/README §1).
   */
  private void onLoop(Runnable task) {
    ContextInternal ctx = transport.ucx().context();
    transport.ucx().execute(() -> ctx.dispatch(task));
  }

  private <T> Future<T> onProgress(Callable<T> task) {
    Promise<T> p = ((ContextInternal) vertx.getOrCreateContext()).promise();
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
    return OnCaller.complete(vertx, f);
  }
}
