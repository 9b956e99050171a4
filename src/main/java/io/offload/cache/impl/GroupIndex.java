package io.offload.cache.impl;

import io.offload.cache.IntView;

import java.util.Arrays;

/**
 * The by-host and by-service-process lists of a whole group, built once when it becomes whole
 * (O(n log n)) and lent out as views: the group's service processes and hosts (ascending ids;
 * a position in these lists is the C original's "group index" of a service process or host),
 * the ranks of each service process and of each host (ascending), and the service processes of
 * each host. About 8 B per rank plus a few words per host and service process.
 *
 * <p>A service process that serves ranks on several hosts (which no topology produces) is
 * listed under each; its local index is the one on its first host.
 *
 * <p>Immutable; thread safe.
 */
final class GroupIndex {

  final IntView serviceProcesses;
  final IntView hosts;
  private final IntMap<Integer> spPos;
  private final IntMap<Integer> hostPos;
  private final IntView[] ranksBySp;
  private final IntView[] ranksByHost;
  private final IntView[] spsByHost;
  private final int[] spLocal;
  private final long bytes;

  GroupIndex(GroupTable t) {
    int n = t.size;
    int[] sp = new int[n];
    int[] host = new int[n];
    for (int r = 0; r < n; r++) {
      sp[r] = t.spAcquire(r);
      host[r] = t.host(r);
    }
    int[] spIds = distinctSorted(sp);
    int[] hostIds = distinctSorted(host);
    spPos = positions(spIds);
    hostPos = positions(hostIds);
    serviceProcesses = new IntView(spIds, 0, spIds.length);
    hosts = new IntView(hostIds, 0, hostIds.length);
    int[] spP = new int[n];
    int[] hostP = new int[n];
    long[] pairs = new long[n];
    for (int r = 0; r < n; r++) {
      spP[r] = spPos.get(sp[r]);
      hostP[r] = hostPos.get(host[r]);
      pairs[r] = ((long) hostP[r] << 32) | spP[r];
    }
    ranksBySp = lists(spP, spIds.length);
    ranksByHost = lists(hostP, hostIds.length);
    Arrays.sort(pairs);
    int np = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || pairs[i] != pairs[i - 1]) {
        pairs[np++] = pairs[i];
      }
    }
    int[] flat = new int[np];
    int[] start = new int[hostIds.length + 1];
    spLocal = new int[spIds.length];
    Arrays.fill(spLocal, -1);
    for (int i = 0, block = 0; i < np; i++) {
      int h = (int) (pairs[i] >>> 32);
      int s = (int) pairs[i];
      if (i > 0 && (int) (pairs[i - 1] >>> 32) != h) {
        block = i;
      }
      flat[i] = spIds[s];
      start[h + 1]++;
      if (spLocal[s] < 0) {
        spLocal[s] = i - block;
      }
    }
    for (int h = 0; h < hostIds.length; h++) {
      start[h + 1] += start[h];
    }
    spsByHost = new IntView[hostIds.length];
    for (int h = 0; h < hostIds.length; h++) {
      spsByHost[h] = new IntView(flat, start[h], start[h + 1]);
    }
    int views = 2 + ranksBySp.length + ranksByHost.length + spsByHost.length;
    bytes = 64 // this object
        + 2 * (16 + 4L * n) // ranks by service process, by host
        + 16 + 4L * spIds.length + 16 + 4L * hostIds.length + 16 + 4L * np + 16 + 4L * spLocal.length + 16L * 4
        + 24L * views + 16L * 3 // views and their arrays
        + spPos.bytes() + hostPos.bytes();
  }

  private static int[] distinctSorted(int[] values) {
    int[] s = values.clone();
    Arrays.sort(s);
    int k = 0;
    for (int i = 0; i < s.length; i++) {
      if (i == 0 || s[i] != s[i - 1]) {
        s[k++] = s[i];
      }
    }
    return Arrays.copyOf(s, k);
  }

  private static IntMap<Integer> positions(int[] ids) {
    Integer[] pos = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) {
      pos[i] = i;
    }
    return IntMap.of(ids, pos);
  }

  /** Ranks grouped by {@code bucket[rank]}, ascending within each: one shared array, one view each. */
  private static IntView[] lists(int[] bucket, int buckets) {
    int[] start = new int[buckets + 1];
    for (int b : bucket) {
      start[b + 1]++;
    }
    for (int i = 0; i < buckets; i++) {
      start[i + 1] += start[i];
    }
    int[] ranks = new int[bucket.length];
    int[] fill = Arrays.copyOf(start, buckets);
    for (int r = 0; r < bucket.length; r++) {
      ranks[fill[bucket[r]]++] = r;
    }
    IntView[] out = new IntView[buckets];
    for (int i = 0; i < buckets; i++) {
      out[i] = new IntView(ranks, start[i], start[i + 1]);
    }
    return out;
  }

  /** Position of a service process among the group's, or -1. */
  int serviceProcessIndex(int spId) {
    Integer p = spPos.get(spId);
    return p == null ? -1 : p;
  }

  /** Position of a host among the group's, or -1. */
  int hostIndex(int hostId) {
    Integer p = hostPos.get(hostId);
    return p == null ? -1 : p;
  }

  IntView ranksServedBy(int spId) {
    int p = serviceProcessIndex(spId);
    return p < 0 ? IntView.EMPTY : ranksBySp[p];
  }

  IntView ranksOnHost(int hostId) {
    int p = hostIndex(hostId);
    return p < 0 ? IntView.EMPTY : ranksByHost[p];
  }

  IntView ranksOnHostIndex(int hostIdx) {
    return hostIdx < 0 || hostIdx >= ranksByHost.length ? IntView.EMPTY : ranksByHost[hostIdx];
  }

  IntView serviceProcessesOnHostIndex(int hostIdx) {
    return hostIdx < 0 || hostIdx >= spsByHost.length ? IntView.EMPTY : spsByHost[hostIdx];
  }

  IntView serviceProcessesOnHost(int hostId) {
    return serviceProcessesOnHostIndex(hostIndex(hostId));
  }

  /** Index of a service process among the group's service processes of its host, or -1. */
  int serviceProcessLocalIndex(int spId) {
    int p = serviceProcessIndex(spId);
    return p < 0 ? -1 : spLocal[p];
  }

  long bytes() {
    return bytes;
  }
}
