package io.offload.cache;

import io.offload.json.JsonKeys;
import io.vertx.core.json.JsonObject;

/**
 * How an engine's group cache behaves: the largest group it accepts, the world group it never
 * revokes, whether revoked groups are kept, and whether it hands out ranks' worker addresses.
 * Part of the engine options ({@code EngineOptions.setCache}).
 *
 * <p>JSON keys (inside the engine options, as {@code UcxOptions}' are): {@code maxGroupSize},
 * {@code worldGroupId}, {@code persistentGroups}, {@code rankAddresses}. The JSON constructor
 * rejects any other key, naming it.
 *
 * <p>Thread safety: not thread safe; the engine takes a copy at creation.
 */
public final class CacheOptions {

  /** 2^24 ranks: a claim above is refused at bootstrap; a group's directory stays below 256 B. */
  public static final int DEFAULT_MAX_GROUP_SIZE = 1 << 24;
  /** The world group, never revoked: group 0. */
  public static final int DEFAULT_WORLD_GROUP_ID = 0;
  /** Persistent groups off: a revoked group's entries are dropped. */
  public static final boolean DEFAULT_PERSISTENT_GROUPS = false;
  /** Rank addresses off: a service process hands out no rank's worker address. */
  public static final boolean DEFAULT_RANK_ADDRESSES = false;

  /** The JSON keys these options read, which the engine options JSON holds beside its own. */
  public static final JsonKeys JSON_KEYS = JsonKeys.of(CacheOptions.class, "maxGroupSize", "worldGroupId",
      "persistentGroups", "rankAddresses");

  private int maxGroupSize = DEFAULT_MAX_GROUP_SIZE;
  private int worldGroupId = DEFAULT_WORLD_GROUP_ID;
  private boolean persistentGroups = DEFAULT_PERSISTENT_GROUPS;
  private boolean rankAddresses = DEFAULT_RANK_ADDRESSES;

  public CacheOptions() {
  }

  public CacheOptions(CacheOptions other) {
    this.maxGroupSize = other.maxGroupSize;
    this.worldGroupId = other.worldGroupId;
    this.persistentGroups = other.persistentGroups;
    this.rankAddresses = other.rankAddresses;
  }

  /**
   * Reads the keys above from {@code json}; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException on an invalid value or any other key
   */
  public CacheOptions(JsonObject json) {
    JSON_KEYS.check(json);
    setMaxGroupSize(JSON_KEYS.getInt(json, "maxGroupSize", DEFAULT_MAX_GROUP_SIZE));
    setWorldGroupId(JSON_KEYS.getInt(json, "worldGroupId", DEFAULT_WORLD_GROUP_ID));
    setPersistentGroups(JSON_KEYS.getBoolean(json, "persistentGroups", DEFAULT_PERSISTENT_GROUPS));
    setRankAddresses(JSON_KEYS.getBoolean(json, "rankAddresses", DEFAULT_RANK_ADDRESSES));
  }

  /** The keys above, read back by {@link #CacheOptions(JsonObject)}. */
  public JsonObject toJson() {
    return toJson(new JsonObject());
  }

  /** Writes the keys above into {@code json}. */
  public JsonObject toJson(JsonObject json) {
    return json.put("maxGroupSize", maxGroupSize).put("worldGroupId", worldGroupId)
        .put("persistentGroups", persistentGroups).put("rankAddresses", rankAddresses);
  }

  public int getMaxGroupSize() {
    return maxGroupSize;
  }

  /**
   * Largest group (communicator) size the cache accepts. A rank that claims a larger group is
   * refused at bootstrap with the reason; entries of larger groups from other processes are
   * dropped. Cache memory follows the entries present, not this size.
   */
  public CacheOptions setMaxGroupSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxGroupSize must be >= 1, got " + n);
    }
    this.maxGroupSize = n;
    return this;
  }

  public int getWorldGroupId() {
    return worldGroupId;
  }

  /** Id of the world group, which the cache never revokes. */
  public CacheOptions setWorldGroupId(int id) {
    if (id < 0) {
      throw new IllegalArgumentException("worldGroupId must be >= 0, got " + id);
    }
    this.worldGroupId = id;
    return this;
  }

  public boolean isPersistentGroups() {
    return persistentGroups;
  }

  /**
   * Persistent groups: the cache keeps a revoked group's entries, and a group added again at a
   * newer sequence with the same size starts from them (whole at once if the members are the
   * same); entries that differ replace the kept ones.
   */
  public CacheOptions setPersistentGroups(boolean on) {
    this.persistentGroups = on;
    return this;
  }

  public boolean isRankAddresses() {
    return rankAddresses;
  }

  /**
   * Rank-to-rank endpoints through the cache, the C original's {@code GET_CLIENT_BY_RANK}. Set it
   * on the service processes: each then hands out the UCX worker address of the ranks it serves
   * to whoever asks through the cache, so any two ranks of a group can get an endpoint to each
   * other ({@code GroupCache.rankEndpoint}). Off, a service process answers such requests with a
   * refusal. Ranks need not set it.
   */
  public CacheOptions setRankAddresses(boolean on) {
    this.rankAddresses = on;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheOptions c && c.maxGroupSize == maxGroupSize && c.worldGroupId == worldGroupId
        && c.persistentGroups == persistentGroups && c.rankAddresses == rankAddresses;
  }

  @Override
  public int hashCode() {
    return ((maxGroupSize * 31 + worldGroupId) * 31 + (persistentGroups ? 1 : 0)) * 31 + (rankAddresses ? 1 : 0);
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
