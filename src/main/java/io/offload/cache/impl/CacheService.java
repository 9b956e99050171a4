package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.EntryOutcome;
import io.offload.cache.Handle;
import io.offload.cache.ServiceProcessAddress;
import io.offload.context.ClientOptions;
import io.offload.context.ServerOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.context.impl.OnCaller;
import io.offload.context.impl.Transport;
import io.offload.engine.EngineOptions;
import io.vertx.core.Vertx;
import io.offload.memory.PeerRegion;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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
  private final RankAddresses addresses;
  private final Directory directory;
  private final Reach reach;
  private final Conflicts conflicts;
  private final ProgressCalls calls;
  private final RankRegions rankRegions;

  /**
   * The cache of engine {@code engineId}, within the limits of its {@code options};
   * {@code rankRegions} finds the regions ranks exposed, {@code connector} starts a client
   * context (the engine's {@code connect}), for link-only contexts to service processes
   * ({@link Reach}).
   */
  public CacheService(String engineId, Vertx vertx, Transport transport, EngineOptions options,
      RankRegions rankRegions, Function<ClientOptions, Future<ExecutionContext>> connector) {
    super(options.getCache().getMaxGroupSize());
    this.rankRegions = rankRegions;
    this.engineId = engineId;
    this.vertx = vertx;
    this.transport = transport;
    this.calls = new ProgressCalls(vertx, transport.ucx());
    this.links = new Links(engineId, options.getRankInfo(), vertx, transport.notifications(), this::runOnProgressThread);
    this.oneSided = new OneSided(transport.ucx(), this::runOnProgressThread);
    tables.persistent(options.getCache().isPersistentGroups());
    this.revocations = new Revocations(tables, links, options.getCache().getWorldGroupId());
    this.fetches = new Fetches(links, tables);
    this.outbox = new Outbox(links, tables, handles, oneSided);
    this.addresses = new RankAddresses(links, tables, handles, fetches, transport.ucx(), this::runOnProgressThread,
        options.getCache().isRankAddresses(), options.getMaxAddressLength());
    this.directory = new Directory(links);
    this.reach = new Reach(links, handles, directory, oneSided, connector, this::runOnProgressThread);
    this.conflicts = new Conflicts(links, tables, outbox);
    outbox.conflicted = conflicts::holds;
    this.exchange = new Exchange(links, tables, handles, oneSided, revocations, fetches, outbox, addresses, directory,
        reach, conflicts);
    Arrivals arrivals = new Arrivals(links, tables, handles, revocations, fetches, outbox, conflicts, exchange);
    new Inbox(links, arrivals, revocations, fetches, addresses, directory, reach, conflicts)
        .register(transport.notifications());
  }

  @Override
  void completed(GroupTable t) {
    outbox.completed(t);
  }

  @Override
  int selfHost() {
    return links.selfHost;
  }

  @Override
  CacheMissException missingHandle(int serviceProcessId) {
    return reach.missing(serviceProcessId);
  }

  // ------------------------------------------------------------------ from the engine and the bootstrap

  /** This process is service process {@code id} (called when it starts a server). */
  public void serveAs(int id) {
    runOnProgressThread(() -> {
      if (links.localSp >= 0 && links.localSp != id) {
        LOG.warn("engine {} serves as service process {} and now {}", engineId, links.localSp, id);
      }
      links.localSp = id;
    });
  }

  /** A server context listens at {@code port} (see {@link Directory#listening}). */
  public void listening(ServerOptions options, int port) {
    runOnProgressThread(() -> directory.listening(options, port));
  }

  /** A client context starts (see {@link Reach#clientStarting}). */
  public void clientStarting(ClientOptions options) {
    reach.clientStarting(options);
  }

  /** Global id of the service process this engine is, or -1. */
  public int localServiceProcess() {
    return links.localSp;
  }

  /**
   * Why a server of {@code scope} must refuse a client claiming {@code rank} at bootstrap, or
   * null (event loop, lock-free): its group is above {@code CacheOptions.maxGroupSize}, or
   * conflicts with the size the group has here. Mesh links are never refused here.
   */
  public String refusal(Scope scope, RankInfo rank) {
    return scope != Scope.HOST_SERVICE || rank == null ? null : Admission.refusal(tables, rank);
  }

  /** A peer reached BOOTSTRAP_DONE (any thread). */
  public void peerReady(PeerImpl peer) {
    runOnProgressThread(() -> exchange.peerReady(peer));
  }

  /** A peer is gone for good (any thread). */
  public void peerLost(PeerImpl peer) {
    runOnProgressThread(() -> exchange.peerLost(peer));
  }

  // ------------------------------------------------------------------ API: changes

  @Override
  public Future<Void> whenComplete(int groupId) {
    String conflict = conflicts.told(groupId);
    if (conflict != null) {
      return onCaller(Future.failedFuture(new CacheMissException(conflict)));
    }
    return onCaller(tables.whenComplete(groupId));
  }

  @Override
  public Future<Void> join(RankInfo member, long sequence) {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
    }
    return calls.compose(() -> revocations.join(member, sequence, links))
        .compose(v -> whenComplete(member.groupId()));
  }

  /**
   * Revokes the group collectively (see {@link Revocations}): this rank's vote goes to its
   * service process; the future completes once every member has revoked and the group is gone
   * here. Fails for the world group ({@code CacheOptions.worldGroupId}).
   */
  @Override
  public Future<Void> revoke(int groupId) {
    return calls.compose(() -> {
      Integer me = links.myRanks.get(groupId);
      if (links.server == null || me == null) {
        throw new IllegalStateException("only a member rank revokes a group (through its service process); this "
            + "process is not a member of group " + groupId);
      }
      return revocations.revoke(groupId, me, links.server);
    });
  }

  @Override
  public Future<EntryOutcome> add(RankInfo entry, long sequence, int serviceProcessId) {
    if (sequence < 0 || serviceProcessId < 0) {
      throw new IllegalArgumentException("sequence and serviceProcessId must be >= 0, got " + sequence + ", "
          + serviceProcessId);
    }
    return calls.call(() -> {
      EntryOutcome o = tables.put(entry.groupId(), sequence, entry.groupSize(), entry.rank(), entry.localRank(),
          entry.localSize(), entry.hostId(), serviceProcessId);
      fetches.arrived(entry.groupId(), entry.rank());
      return o;
    });
  }

  @Override
  public Future<Void> send(int groupId, ExecutionContext context, int peerId) {
    return calls.call(() -> outbox.sendKnown(groupId, context, peerId));
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
    return calls.compose(() -> fetches.fetch(groupId, rank));
  }

  @Override
  public List<ServiceProcessAddress> directory() {
    return directory.all();
  }

  @Override
  public Future<Handle> connectHandle(int serviceProcessId) {
    if (serviceProcessId < 0) {
      throw new IllegalArgumentException("serviceProcessId must be >= 0, got " + serviceProcessId);
    }
    Handle h = handles.find(serviceProcessId).orElse(null);
    if (h != null) {
      return Future.succeededFuture(h); // linked: no hop
    }
    return calls.compose(() -> reach.connect(serviceProcessId));
  }

  @Override
  public Future<UcpEndpoint> rankEndpoint(int groupId, int rank) {
    if (groupId < 0 || rank < 0) {
      throw new IllegalArgumentException("group and rank must be >= 0, got " + groupId + ", " + rank);
    }
    return calls.compose(() -> addresses.endpoint(groupId, rank));
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
    return calls.call(() -> {
      int sp = links.localSp;
      if (sp < 0) {
        throw new IllegalStateException("only a service process (an engine with a server context) exposes memory");
      }
      outbox.publish(oneSided.register(sp, bytes));
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
    runOnProgressThread(() -> {
      revocations.failAll(why);
      fetches.failAll(why);
      addresses.failAll(why);
      reach.failAll(why);
      oneSided.close();
      done.complete();
    });
    return done.future();
  }

  private void runOnProgressThread(Runnable task) {
    calls.run(task);
  }

  private <T> Future<T> onCaller(Future<T> f) {
    return OnCaller.complete(vertx, f);
  }
}
