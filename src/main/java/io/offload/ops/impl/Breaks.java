package io.offload.ops.impl;

import io.offload.ops.OperationException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What failed at this service process: groups broken by a lost member or service process (until
 * the group is created again: a new sequence number in the cache), the last
 * {@link #TOMBSTONES} collectives that failed (so that a member arriving late fails at once),
 * and the service processes this one coordinated with (whom to tell when a group breaks).
 *
 * <p>Thread safety: the UCX thread only.
 */
final class Breaks {

  static final int TOMBSTONES = 4096;

  record Key(int group, long seq) {
  }

  /** Why something failed; {@code cacheSeq} is the group's sequence number in the cache then. */
  record Broken(long cacheSeq, OperationException.Kind kind, String reason) {
  }

  private final Map<Key, Broken> tombstones = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Broken> eldest) {
      return size() > TOMBSTONES;
    }
  };
  private final Map<Integer, Broken> broken = new HashMap<>();
  private final Set<Integer> seen = new HashSet<>();

  /** Why group {@code g} (at cache sequence {@code cacheSeq}) takes no collectives, or null. */
  Broken group(int g, long cacheSeq) {
    Broken b = broken.get(g);
    return b != null && b.cacheSeq() == cacheSeq ? b : null;
  }

  /** Why collective {@code key} cannot run (its group broke, or it failed already), or null. */
  Broken deadEnd(Key key, long cacheSeq) {
    Broken b = group(key.group(), cacheSeq);
    return b != null ? b : tombstones.get(key);
  }

  /** Breaks group {@code g}; false if it was broken already. */
  boolean breakGroup(int g, long cacheSeq, OperationException.Kind kind, String reason) {
    if (group(g, cacheSeq) != null) {
      return false;
    }
    broken.put(g, new Broken(cacheSeq, kind, reason));
    return true;
  }

  void failed(Key key, long cacheSeq, OperationException.Kind kind, String reason) {
    tombstones.put(key, new Broken(cacheSeq, kind, reason));
  }

  void seen(int sp) {
    seen.add(sp);
  }

  /** Every service process coordinated with, and {@code more}. */
  Set<Integer> toTell(int[] more) {
    Set<Integer> to = new HashSet<>(seen);
    for (int sp : more) {
      to.add(sp);
    }
    return to;
  }
}
