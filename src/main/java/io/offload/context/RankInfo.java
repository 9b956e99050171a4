package io.offload.context;

/**
 * Who a process is within its parallel job, as exchanged during bootstrap.
 * On inter-service-process links {@code rank} carries the service process's global id.
 *
 * @param groupId   id of the group (communicator); 0 is the world group by convention
 * @param rank      rank within the group, {@code 0 <= rank < groupSize}
 * @param groupSize number of ranks in the group
 * @param localRank rank among the processes of the same host
 * @param localSize number of the group's processes on this host
 * @param hostId    id of the host the process runs on
 */
public record RankInfo(int groupId, int rank, int groupSize, int localRank, int localSize, int hostId) {

  public RankInfo {
    if (groupSize < 1) {
      throw new IllegalArgumentException("groupSize must be >= 1, got " + groupSize);
    }
    if (rank < 0 || rank >= groupSize) {
      throw new IllegalArgumentException("rank must be in [0, " + groupSize + "), got " + rank);
    }
    if (localSize < 1 || localRank < 0 || localRank >= localSize) {
      throw new IllegalArgumentException("localRank must be in [0, localSize), got " + localRank + "/" + localSize);
    }
    if (groupId < 0 || hostId < 0) {
      throw new IllegalArgumentException("groupId and hostId must be >= 0, got " + groupId + ", " + hostId);
    }
  }

  /** A rank of a group whose processes all share one host. */
  public static RankInfo of(int groupId, int rank, int groupSize) {
    return new RankInfo(groupId, rank, groupSize, rank, groupSize, 0);
  }
}
