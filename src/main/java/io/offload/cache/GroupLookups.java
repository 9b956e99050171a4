package io.offload.cache;

/**
 * The lookups of a group by host and by position, the C original's ({@code dpu_offload_group_cache.h}),
 * each named after its C function; {@link GroupCache} extends it. Kept apart from the entries, the
 * fill and the revocation because they answer one question, "where in the group", from views built
 * once the group is whole: each needs the whole group ({@link GroupCache#isComplete}) and throws
 * {@link CacheMissException} before.
 *
 * <p>Lookups are O(1) (except where noted), lock-free and allocate nothing: views are built once
 * per group and lent out.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public interface GroupLookups {

  /**
   * The ranks of {@code groupId} served by {@code serviceProcessId}, ascending (empty when it
   * serves none). Needs the whole group ({@link GroupCache#isComplete}).
   */
  IntView ranksServedBy(int groupId, int serviceProcessId);

  /** The service processes serving the group's ranks, ascending. Needs the whole group. */
  IntView serviceProcesses(int groupId);

  /** The hosts of the group's ranks, ascending. Needs the whole group. */
  IntView hosts(int groupId);

  // ---------------------------------------------------------------- by host and by position
  // The lookups of the C original (dpu_offload_group_cache.h), each named. They need the whole
  // group (GroupCache.isComplete) and throw CacheMissException before. A "host index" is a
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
}
