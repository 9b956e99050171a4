package io.offload.ops.impl;

import io.offload.cache.GroupCache;
import io.offload.cache.IntView;

import java.util.Arrays;

/**
 * What a service process's collectives need of one group, taken from its cache once the group
 * is whole: size, the service process of each rank, its own ranks (and each one's local index),
 * and the other service processes serving the group.
 *
 * <p>Immutable.
 */
final class GroupView {

  final int groupId;
  final long cacheSeq;
  final int size;
  final int[] serviceProcessOf;
  final int[] local;
  final int[] localIndex;
  final int[] others;

  GroupView(GroupCache cache, int groupId, int me) {
    this.groupId = groupId;
    this.cacheSeq = cache.sequence(groupId);
    this.size = cache.groupSize(groupId);
    this.serviceProcessOf = new int[size];
    this.localIndex = new int[size];
    Arrays.fill(localIndex, -1);
    for (int r = 0; r < size; r++) {
      serviceProcessOf[r] = cache.serviceProcessOf(groupId, r);
    }
    this.local = cache.ranksServedBy(groupId, me).toArray();
    for (int i = 0; i < local.length; i++) {
      localIndex[local[i]] = i;
    }
    IntView sps = cache.serviceProcesses(groupId);
    this.others = sps.stream().filter(sp -> sp != me).toArray();
  }

  boolean hasServiceProcess(int sp) {
    for (int s : others) {
      if (s == sp) {
        return true;
      }
    }
    return false;
  }

  /** Index of {@code sp} in {@link #others}, or -1. */
  int otherIndex(int sp) {
    for (int i = 0; i < others.length; i++) {
      if (others[i] == sp) {
        return i;
      }
    }
    return -1;
  }
}
