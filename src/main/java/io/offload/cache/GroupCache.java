package io.offload.cache;

import io.offload.context.ExecutionContext;
import io.offload.memory.PeerRegion;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;

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
 * <p>Lookups are O(1) (except where noted), lock-free and allocate nothing. A missing entry
 * throws a {@link CacheMissException} that says what is missing; the {@code find*} variants
 * return an empty {@code Optional} instead.
 *
 * <p>Thread safety: every method may be called from any thread; futures complete on the
 * caller's Vert.x context.
 */
public interface GroupCache {

  /** Global id of the service process that serves {@code rank} of {@code groupId}. */
  int serviceProcessOf(int groupId, int rank);

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

  /** The handle of service process {@code serviceProcessId}. */
  Handle handle(int serviceProcessId);

  /** The handle of service process {@code serviceProcessId}, if this process is linked to it. */
  Optional<Handle> findHandle(int serviceProcessId);

  /** The handle of the service process that serves {@code rank} of {@code groupId}. */
  default Handle handleOf(int groupId, int rank) {
    return handle(serviceProcessOf(groupId, rank));
  }

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

  /**
   * The ranks of {@code groupId} served by {@code serviceProcessId}, ascending (empty when it
   * serves none). Needs the whole group ({@link #isComplete}).
   */
  IntView ranksServedBy(int groupId, int serviceProcessId);

  /** The service processes serving the group's ranks, ascending. Needs the whole group. */
  IntView serviceProcesses(int groupId);

  /** The hosts of the group's ranks, ascending. Needs the whole group. */
  IntView hosts(int groupId);

  // ---------------------------------------------------------------- by host and by position
  // The lookups of the C original (dpu_offload_group_cache.h), each named. They need the whole
  // group ({@link #isComplete}) and throw CacheMissException before. A "host index" is a
  // position in hosts(g), a "group index" of a service process a position in
  // serviceProcesses(g), its "local index" a position among the group's service processes on
  // its host. Views are built once per group and lent out: no call allocates.

  /** C {@code get_group_ranks_on_host}: the ranks of the group on host {@code hostId}, ascending. O(1). */
  IntView ranksOnHost(int groupId, int hostId);

  /**
   * C {@code get_host_idx_by_group}: the index of host {@code hostId} among the group's hosts,
   * or -1 (the C function answers for this process's own host: pass its host id). O(1).
   */
  int hostIndex(int groupId, int hostId);

  /**
   * The ranks on the host of index {@code hostIndex}, ascending; its size is C
   * {@code get_num_ranks_for_group_host_idx} (empty when out of range). O(1).
   */
  IntView ranksOnHostIndex(int groupId, int hostIndex);

  /** C {@code get_rank_idx_by_group_host_idx}: index of {@code rank} among the ranks of that host, or -1. O(log n). */
  int rankIndexOnHost(int groupId, int hostIndex, int rank);

  /**
   * C {@code get_all_sps_by_group_host_idx}: the group's service processes on the host of
   * index {@code hostIndex}, ascending global ids; {@code size()} is C
   * {@code get_num_sps_by_group_host_idx}, {@code get(n)} C {@code get_nth_sp_by_group_host_idx}. O(1).
   */
  IntView serviceProcessesOnHostIndex(int groupId, int hostIndex);

  /**
   * C {@code get_group_local_sps}: the group's service processes on this process's host
   * (empty until this process knows its host: a rank from its rank info, a service process
   * from its first local rank). O(1).
   */
  IntView localServiceProcesses(int groupId);

  /** C {@code get_sp_group_gid}: the group index of global service process {@code serviceProcessId}, or -1. O(1). */
  int serviceProcessGroupIndex(int groupId, int serviceProcessId);

  /**
   * C {@code get_global_sp_id_by_group}: the global id of the service process of group index
   * {@code groupIndex} (the C function answers for this process's own). O(1).
   */
  default int serviceProcessAt(int groupId, int groupIndex) {
    IntView sps = serviceProcesses(groupId);
    if (groupIndex < 0 || groupIndex >= sps.size()) {
      throw new CacheMissException("group " + groupId + " has " + sps.size() + " service processes, no index "
          + groupIndex);
    }
    return sps.get(groupIndex);
  }

  /** C {@code get_local_sp_id_by_group}: the local index of a service process within the group, or -1. O(1). */
  int serviceProcessLocalIndex(int groupId, int serviceProcessId);

  /**
   * C {@code get_rank_idx_by_group_sp_id}: index of {@code rank} among
   * {@link #ranksServedBy}{@code (groupId, serviceProcessId)}, or -1. O(log n).
   */
  default int rankIndexOnServiceProcess(int groupId, int serviceProcessId, int rank) {
    return ranksServedBy(groupId, serviceProcessId).indexOf(rank);
  }

  /**
   * C {@code get_all_ranks_by_group_sp_lid}: the ranks served by the service process of local
   * index {@code localIndex} on the host of index {@code hostIndex}; {@code size()} is C
   * {@code get_num_ranks_for_group_host_local_sp}. Empty when either index is out of range. O(1).
   */
  default IntView ranksOfLocalServiceProcess(int groupId, int hostIndex, int localIndex) {
    IntView sps = serviceProcessesOnHostIndex(groupId, hostIndex);
    return localIndex < 0 || localIndex >= sps.size() ? IntView.EMPTY : ranksServedBy(groupId, sps.get(localIndex));
  }

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
   * revoked. The world group ({@code EngineOptions.worldGroupId}, default 0) is never revoked:
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
