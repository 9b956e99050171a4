package io.offload.cache.impl;

import io.offload.context.impl.PeerImpl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * On a service process: which local rank (its peer) holds each (group, rank) it serves, and the
 * reverse, so a rank that leaves takes its entries with it.
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class LocalMembers {

  private final Map<Long, PeerImpl> byKey = new HashMap<>();
  private final Map<PeerImpl, Set<Long>> byPeer = new IdentityHashMap<>();

  static long key(int groupId, int rank) {
    return ((long) groupId << 32) | (rank & 0xFFFFFFFFL);
  }

  static int group(long key) {
    return (int) (key >>> 32);
  }

  static int rank(long key) {
    return (int) key;
  }

  void put(PeerImpl p, int groupId, int rank) {
    long k = key(groupId, rank);
    byKey.put(k, p);
    byPeer.computeIfAbsent(p, x -> new HashSet<>()).add(k);
  }

  /** Forgets (group, rank) if {@code p} holds it. */
  void remove(PeerImpl p, int groupId, int rank) {
    long k = key(groupId, rank);
    if (byKey.get(k) == p) {
      byKey.remove(k);
    }
    Set<Long> keys = byPeer.get(p);
    if (keys != null) {
      keys.remove(k);
    }
  }

  PeerImpl peer(int groupId, int rank) {
    return byKey.get(key(groupId, rank));
  }

  /** The (group, rank) keys {@code p} still held when it left; it is forgotten. */
  List<Long> drop(PeerImpl p) {
    Set<Long> keys = byPeer.remove(p);
    List<Long> held = new ArrayList<>();
    if (keys != null) {
      for (long k : keys) {
        if (byKey.get(k) == p) {
          byKey.remove(k);
          held.add(k);
        }
      }
    }
    return held;
  }

  /** The local peers that are members of the group, each once. */
  List<PeerImpl> of(int groupId) {
    List<PeerImpl> out = new ArrayList<>();
    Set<PeerImpl> seen = new HashSet<>();
    for (Map.Entry<Long, PeerImpl> e : byKey.entrySet()) {
      if (group(e.getKey()) == groupId && seen.add(e.getValue())) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /** The group is gone (revoked, or replaced by a newer sequence). */
  void forget(int groupId) {
    byKey.keySet().removeIf(k -> group(k) == groupId);
    byPeer.values().forEach(s -> s.removeIf(k -> group(k) == groupId));
  }
}
