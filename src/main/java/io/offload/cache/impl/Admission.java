package io.offload.cache.impl;

import io.offload.topology.RankInfo;

/**
 * Whether a service process takes a rank's claim at bootstrap: its group must not be larger
 * than the maximum group size, and must not conflict with the size the group has here (an
 * entry of the current sequence pins the size until the group has no entries left, so a wrong
 * early claim pins it only while its claimant is there).
 *
 * <p>Stateless; lock-free reads of the tables.
 */
final class Admission {

  private Admission() {
  }

  /** Why {@code rank} may not join here now, or null. */
  static String refusal(CacheTables tables, RankInfo rank) {
    if (rank.groupSize() > tables.maxGroupSize()) {
      return "group " + rank.groupId() + " of size " + rank.groupSize() + " exceeds the maximum group size "
          + tables.maxGroupSize() + " of this service process (CacheOptions.maxGroupSize)";
    }
    GroupTable t = tables.table(rank.groupId());
    if (t != null && t.size != rank.groupSize()) {
      return "group " + rank.groupId() + " has size " + t.size + " here (" + t.known + " entries, sequence " + t.seq
          + "), this rank claims size " + rank.groupSize() + ": conflicting claim, refused";
    }
    return null;
  }
}
