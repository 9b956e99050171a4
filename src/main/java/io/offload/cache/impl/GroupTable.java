package io.offload.cache.impl;

import io.offload.cache.IntView;
import io.offload.context.RankInfo;
import io.vertx.core.Promise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One group at one sequence number: arrays indexed by rank (16 bytes per rank, plus 4 for the
 * served-by index once complete). A rank's entry is published by a release store of its
 * service-process id ({@code -1} = unknown) after its other fields; readers load that id with
 * acquire first.
 *
 * <p>Thread safety: written under the {@link CacheTables} lock; read lock-free.
 */
final class GroupTable {

  static final VarHandle SP = MethodHandles.arrayElementVarHandle(int[].class);

  final int groupId;
  final long seq;
  final int size;
  final int[] sp;
  final int[] host;
  final int[] localRank;
  final int[] localSize;
  /** Guarded by the tables' lock. */
  volatile int known;
  /** Guarded by the tables' lock; completed (and replaced) as the group becomes whole. */
  Promise<Void> completion;
  /** Set when the group is whole; null while it is not. */
  volatile Index index;

  GroupTable(int groupId, long seq, int size, Promise<Void> completion) {
    this.groupId = groupId;
    this.seq = seq;
    this.size = size;
    this.sp = new int[size];
    this.host = new int[size];
    this.localRank = new int[size];
    this.localSize = new int[size];
    Arrays.fill(sp, -1);
    this.completion = completion;
  }

  /** The service process of {@code rank}, or -1 while unknown. */
  int spAcquire(int rank) {
    return (int) SP.getAcquire(sp, rank);
  }

  void write(int rank, int hostId, int lr, int ls, int spId) {
    SP.setRelease(sp, rank, -1);
    host[rank] = hostId;
    localRank[rank] = lr;
    localSize[rank] = ls;
    SP.setRelease(sp, rank, spId);
  }

  void clear(int rank) {
    SP.setRelease(sp, rank, -1);
  }

  boolean same(int rank, int hostId, int lr, int ls, int spId) {
    return sp[rank] == spId && host[rank] == hostId && localRank[rank] == lr && localSize[rank] == ls;
  }

  RankInfo rankInfo(int rank) {
    return new RankInfo(groupId, rank, size, localRank[rank], localSize[rank], host[rank]);
  }

  long bytes() {
    Index i = index;
    return 4L * size * 4 + (i == null ? 0 : i.bytes());
  }

  /** Served-by lists (CSR), service processes and hosts of a whole group. Immutable. */
  static final class Index {
    final IntView[] servedBy; // by service-process id; null = serves none
    final IntView serviceProcesses;
    final IntView hosts;
    private final int ranksArrayLength;

    Index(GroupTable t) {
      int maxSp = 0;
      int maxHost = 0;
      for (int r = 0; r < t.size; r++) {
        maxSp = Math.max(maxSp, t.sp[r]);
        maxHost = Math.max(maxHost, t.host[r]);
      }
      int[] start = new int[maxSp + 2];
      for (int r = 0; r < t.size; r++) {
        start[t.sp[r] + 1]++;
      }
      for (int s = 0; s <= maxSp; s++) {
        start[s + 1] += start[s];
      }
      int[] ranks = new int[t.size];
      int[] fill = Arrays.copyOf(start, start.length);
      for (int r = 0; r < t.size; r++) { // ascending ranks per service process
        ranks[fill[t.sp[r]]++] = r;
      }
      servedBy = new IntView[maxSp + 1];
      int spCount = 0;
      for (int s = 0; s <= maxSp; s++) {
        if (start[s + 1] > start[s]) {
          servedBy[s] = new IntView(ranks, start[s], start[s + 1]);
          spCount++;
        }
      }
      int[] sps = new int[spCount];
      for (int s = 0, n = 0; s <= maxSp; s++) {
        if (servedBy[s] != null) {
          sps[n++] = s;
        }
      }
      serviceProcesses = new IntView(sps, 0, sps.length);
      boolean[] seen = new boolean[maxHost + 1];
      int hostCount = 0;
      for (int r = 0; r < t.size; r++) {
        if (!seen[t.host[r]]) {
          seen[t.host[r]] = true;
          hostCount++;
        }
      }
      int[] hs = new int[hostCount];
      for (int h = 0, n = 0; h <= maxHost; h++) {
        if (seen[h]) {
          hs[n++] = h;
        }
      }
      hosts = new IntView(hs, 0, hs.length);
      ranksArrayLength = ranks.length;
    }

    long bytes() {
      return 4L * ranksArrayLength + 16L * servedBy.length + 4L * (serviceProcesses.size() + hosts.size());
    }
  }
}
