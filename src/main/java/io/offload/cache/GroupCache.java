package io.offload.cache;

import io.offload.context.ExecutionContext;
import io.offload.memory.PeerRegion;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import org.openucx.jucx.ucp.UcpEndpoint;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Who serves whom: for each group (communicator), for each of its ranks, its rank info, the
 * global id of the service process that serves it, and the {@link Handle} to reach that service
 * process. Every engine has one ({@code OffloadEngine.cache()}).
 *
 * <p>How it fills: a service process adds the ranks that bootstrap against it, exchanges its
 * entries with the other service processes over the mesh, and once a group is complete sends
 * the whole group to its local ranks. {@link #whenComplete(int)} tells when the local copy of a
 * group is whole.
 *
 * <p>Groups carry a sequence number: a group revoked and added again (with the next number)
 * never mixes entries of the two; late messages of an older number are dropped.
 *
 * <p>Lookups are O(1) (except where noted), lock-free and allocate nothing; those by host and by
 * position, as the C original has them, are in {@link GroupLookups}. A missing entry
 * throws a {@link CacheMissException} that says what is missing; the {@code find*} variants
 * return an empty {@code Optional} instead.
 *
 * <p>Thread safety: every method may be called from any thread; futures complete on the
 * caller's Vert.x context.
 */
public interface GroupCache extends GroupLookups {

  /** Global id of the service process that serves {@code rank} of {@code groupId}. */
  int serviceProcessOf(int groupId, int rank);

  /**
   * Several service processes per rank (the C original's shadow service processes, its
   * {@code sp_idx}): the global id of the service process of index {@code index} of {@code rank}
   * of {@code groupId}; index 0 is the primary ({@link #serviceProcessOf(int, int)}), 1 ..
   * {@link #serviceProcessesPerRank}{@code - 1} its shadows, which serve the rank too (a topology
   * with {@code serviceProcessesPerRank} k makes each rank known to k service processes of its
   * host). O(1), allocation-free. The lookups by host and by position count primaries only.
   */
  int serviceProcessOf(int groupId, int rank, int index);

  /** How many service processes serve each rank of {@code groupId} (primary and shadows; 1 without shadows). */
  int serviceProcessesPerRank(int groupId);

  /** The handle of the service process of index {@code index} of {@code rank} (0: primary). */
  default Handle handleOf(int groupId, int rank, int index) {
    return handle(serviceProcessOf(groupId, rank, index));
  }

  /**
   * Entries on demand: the service process of {@code rank} of {@code groupId}, at once if its
   * entry is known here, else once this process has fetched it (a rank from its service
   * process, which asks the other service processes if it does not know it either; or when the
   * entry arrives by the ordinary exchange). The entry is then in the cache. Only the
   * synchronous {@link #serviceProcessOf} throws {@link CacheMissException}.
   */
  Future<Integer> fetchServiceProcessOf(int groupId, int rank);

  /** Whether the entry of {@code rank} of {@code groupId} is known. */
  boolean contains(int groupId, int rank);

  /** Host id of {@code rank} of {@code groupId}. */
  int hostOf(int groupId, int rank);

  /** The rank info of {@code rank} of {@code groupId} (allocates). */
  Optional<RankInfo> rankInfo(int groupId, int rank);

  /** Whether two ranks of a group run on the same host. */
  boolean onSameHost(int groupId, int rankA, int rankB);

  /** Whether two ranks of a group are served by the same service process. */
  boolean onSameServiceProcess(int groupId, int rankA, int rankB);

  /**
   * The handle of service process {@code serviceProcessId}, if this process is linked to it:
   * a rank to its own service process(es) and to those linked on first use, a service process
   * to the others of the mesh. Else {@link CacheMissException}, without blocking: on a rank, for
   * a service process of the {@link #directory()}, the miss first starts the link, as
   * {@link #connectHandle} does (once: the misses meanwhile and {@code connectHandle} share it),
   * and its message says the link is being made; retry {@code handle} (it answers once the link
   * is up, with the region if the service process has one) or wait on {@code connectHandle}.
   * A lost link is made again the same way. The hit allocates nothing.
   */
  Handle handle(int serviceProcessId);

  /** The handle of service process {@code serviceProcessId}, if this process is linked to it. */
  Optional<Handle> findHandle(int serviceProcessId);

  /**
   * Any service process reachable: its handle, at once if linked, else once a rank has linked
   * to it (first use: this call or a missed {@link #handle}) by a link-only client context to
   * its rank port from the
   * {@link #directory()}, with the options (secret, timeouts) of the rank's own client context;
   * it serves nothing for the rank there. The handle then carries its region, if any; afterwards
   * {@link #handle} answers at once. Fails ({@link CacheMissException}) for a service process not
   * in the directory, or when the link fails. Service processes reach each other by the mesh.
   */
  Future<Handle> connectHandle(int serviceProcessId);

  /**
   * The directory of service processes: each one's global id, host and rank port, as the
   * service processes send it to their ranks at bootstrap (every change after). Ascending ids;
   * allocates.
   */
  List<ServiceProcessAddress> directory();

  /** The handle of the service process that serves {@code rank} of {@code groupId}. */
  default Handle handleOf(int groupId, int rank) {
    return handle(serviceProcessOf(groupId, rank));
  }

  /**
   * Rank-to-rank endpoints (the C original's {@code GET_CLIENT_BY_RANK}), with
   * {@code CacheOptions.setRankAddresses(true)} on the service processes (off by default: the
   * future fails saying so): a UCX endpoint from this engine's worker to that of {@code rank}.
   * The first call asks this process's service process for the rank's worker address (a burst
   * of misses as one request), which asks the rank's own service process if need be (waiting for
   * its entry like {@link #fetchServiceProcessOf}); the address stays with the entry. One
   * endpoint per remote worker, closed by the engine: never close it. Use it only on
   * {@code OffloadEngine.ucxContext()}, for tag messages ({@code sendTaggedNonBlocking}; the
   * target posts {@code recvTaggedNonBlocking} on its {@code ucpWorker()}); notifications do not
   * travel on it. Fails with {@link CacheMissException} when the address is refused or unknown,
   * or the link to the service process is lost.
   */
  Future<UcpEndpoint> rankEndpoint(int groupId, int rank);

  /** The region service process {@code serviceProcessId} published, if known. */
  Optional<RemoteRegion> region(int serviceProcessId);

  /**
   * On a service process: region {@code regionId} that rank {@code rank} of {@code groupId}
   * exposed to this process ({@code ExecutionContext.expose}), while it is exposed. The group and
   * rank are those the rank told at bootstrap; only the process a region was exposed to knows it.
   *
   * @throws CacheMissException when no such region is exposed here (never, or withdrawn, or lost)
   */
  default PeerRegion rankRegion(int groupId, int rank, int regionId) {
    return findRankRegion(groupId, rank, regionId).orElseThrow(() -> new CacheMissException("rank " + rank
        + " of group " + groupId + " exposes no region " + regionId + " to this process (never, not yet, or no more)"));
  }

  /** As {@link #rankRegion}, empty instead of throwing. */
  Optional<PeerRegion> findRankRegion(int groupId, int rank, int regionId);

  /** Number of ranks of the group. */
  int groupSize(int groupId);

  /** Number of the group's entries known here (equals the size once complete). */
  int knownMembers(int groupId);

  /** Whether every entry of the group is known here; false for an unknown group. */
  boolean isComplete(int groupId);

  /** The group's current sequence number. */
  long sequence(int groupId);

  /** Every known member of the group, by rank (allocates). */
  List<RankInfo> members(int groupId);

  /** Ids of the groups present, ascending (allocates). */
  int[] groups();

  /** Number of entries over all groups. */
  int entryCount();

  /**
   * A digest of the group's entries (rank, rank info, service process), equal on two processes
   * iff their copies of the group are equal. See {@link CacheDigest}.
   */
  String digest(int groupId);

  /**
   * Completes when the local copy of the group is whole (at once if it is). Fails when the group
   * is revoked first.
   */
  Future<Void> whenComplete(int groupId);

  /**
   * On a rank: adds this process to a group (a sub-group created at run time) as
   * {@code member}, with sequence number {@code sequence} (higher than any earlier use of that
   * group id). Every member calls it; completes when the whole group is known here.
   */
  Future<Void> join(RankInfo member, long sequence);

  /**
   * On a rank: revokes a group collectively, as the C original does. This rank's vote goes to
   * its service process; the service processes count the votes of their ranks and exchange the
   * counts (with the group's sequence number); once <em>every</em> member has revoked, the group
   * is dropped at every service process and member, and a revoke-done event is published on
   * {@link #revokedAddress()}. Completes then. Entries and joins of a newer sequence that arrive
   * meanwhile are queued, not dropped. A member lost during a revocation counts as having
   * revoked. The world group ({@code CacheOptions.worldGroupId}, default 0) is never revoked:
   * the future fails.
   */
  Future<Void> revoke(int groupId);

  /**
   * Local event-bus address of the revoke-done events, {@code offload.<engine>.cache.revoked}:
   * a {@code JsonObject} {@code {"groupId": g, "seq": s}} each time a group is revoked here.
   */
  String revokedAddress();

  /**
   * Application-driven fill: adds an entry this process already knows (from its own wire-up,
   * say), here only: {@code entry} at {@code sequence}, served by {@code serviceProcessId}.
   * The sequence, conflict and maximum-size rules apply; the future says what the add did.
   */
  Future<EntryOutcome> add(RankInfo entry, long sequence, int serviceProcessId);

  /**
   * Application-driven fill: sends every entry known here of group {@code groupId} (of every
   * group if {@code groupId < 0}) to peer {@code peerId} of {@code context}, whose cache adds
   * them as they are (nothing is passed on from there). Completes once sent; fails if a given
   * group has no entries here. Whoever can reach a process's contexts can fill its cache this
   * way: use a secret where peers are not trusted.
   */
  Future<Void> send(int groupId, ExecutionContext context, int peerId);

  /**
   * On a service process: registers a region of {@code bytes} with UCX and publishes it to the
   * ranks and service processes linked to this one. The returned direct buffer is the region.
   */
  Future<ByteBuffer> exposeMemory(int bytes);
}
