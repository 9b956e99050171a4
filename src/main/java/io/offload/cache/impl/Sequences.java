package io.offload.cache.impl;

import java.util.HashMap;
import java.util.Map;

/**
 * The sequence-number memory of a cache: up to which sequence each group was revoked (later
 * messages at or below it are stale), and in persistent mode the entries of revoked groups,
 * kept for a re-add.
 *
 * <p>Thread safety: guarded by the {@link CacheTables} lock.
 */
final class Sequences {

  private final Map<Integer, Long> revokedUpTo = new HashMap<>();
  private final Map<Integer, GroupTable> kept = new HashMap<>();
  private boolean persistent;

  void persistent(boolean on) {
    persistent = on;
  }

  boolean isRevoked(int groupId, long seq) {
    Long revoked = revokedUpTo.get(groupId);
    return revoked != null && seq <= revoked;
  }

  /** Sequence {@code seq} of the group is revoked; {@code dropped} (or null) was its table. */
  void revoked(int groupId, long seq, GroupTable dropped) {
    revokedUpTo.merge(groupId, seq, Math::max);
    if (persistent && dropped != null) {
      kept.put(groupId, dropped);
    }
  }

  /** Copies the kept entries of the group into {@code fresh} if it has their size; returns how many. */
  int restore(GroupTable fresh) {
    GroupTable old = kept.remove(fresh.groupId);
    if (old == null || old.size != fresh.size) {
      return 0;
    }
    int n = 0;
    for (int r : old.knownRanks()) {
      fresh.write(r, old.host(r), old.localRank(r), old.localSize(r), old.spAcquire(r));
      n++;
    }
    if (old.shadows != null && old.width == fresh.width) {
      old.shadows.forEachRank(r -> {
        for (int i = 1; i < old.width; i++) {
          int sp = old.shadows.get(r, i);
          if (sp >= 0) {
            fresh.shadows.set(r, i, sp);
          }
        }
      });
    }
    return n;
  }

  long keptBytes() {
    long sum = 0;
    for (GroupTable t : kept.values()) {
      sum += t.bytes();
    }
    return sum;
  }
}
