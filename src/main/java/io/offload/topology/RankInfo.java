package io.offload.topology;

import io.offload.context.ClientOptions;
import io.offload.context.ServerOptions;

import io.offload.json.JsonKeys;
import io.vertx.core.json.JsonObject;

/**
 * Who a process is within its parallel job, as exchanged during bootstrap.
 * On inter-service-process links {@code rank} carries the service process's global id.
 *
 * <p>JSON (the {@code rank} of {@link ClientOptions}, the {@code rankInfo} of {@link ServerOptions} and
 * {@code EngineOptions}): {@code {groupId, rank, groupSize, localRank, localSize, hostId}}; an absent key
 * reads as {@link #DEFAULT_GROUP_ID}, {@link #DEFAULT_RANK}, {@link #DEFAULT_GROUP_SIZE}, {@code rank},
 * {@code groupSize} and {@link #DEFAULT_HOST_ID}, and an unknown key is rejected.
 *
 * @param groupId   id of the group (communicator); 0 is the world group by convention
 * @param rank      rank within the group, {@code 0 <= rank < groupSize}
 * @param groupSize number of ranks in the group
 * @param localRank rank among the processes of the same host
 * @param localSize number of the group's processes on this host
 * @param hostId    id of the host the process runs on
 */
public record RankInfo(int groupId, int rank, int groupSize, int localRank, int localSize, int hostId) {

  /** {@code groupId} of JSON without one: the world group. */
  public static final int DEFAULT_GROUP_ID = 0;
  /** {@code rank} of JSON without one. */
  public static final int DEFAULT_RANK = 0;
  /** {@code groupSize} of JSON without one: a group of one. */
  public static final int DEFAULT_GROUP_SIZE = 1;
  /** {@code hostId} of JSON without one. */
  public static final int DEFAULT_HOST_ID = 0;

  private static final JsonKeys KEYS = JsonKeys.of(RankInfo.class, "groupId", "rank", "groupSize", "localRank",
      "localSize", "hostId");

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

  /** Reads the keys of {@link #toJson()}; see the class Javadoc for absent and unknown keys. */
  public RankInfo(JsonObject json) {
    this(KEYS.check(json).getInteger("groupId", DEFAULT_GROUP_ID), json.getInteger("rank", DEFAULT_RANK),
        json.getInteger("groupSize", DEFAULT_GROUP_SIZE),
        json.getInteger("localRank", json.getInteger("rank", DEFAULT_RANK)),
        json.getInteger("localSize", json.getInteger("groupSize", DEFAULT_GROUP_SIZE)),
        json.getInteger("hostId", DEFAULT_HOST_ID));
  }

  /** All six fields. */
  public JsonObject toJson() {
    return new JsonObject().put("groupId", groupId).put("rank", rank).put("groupSize", groupSize)
        .put("localRank", localRank).put("localSize", localSize).put("hostId", hostId);
  }
}
