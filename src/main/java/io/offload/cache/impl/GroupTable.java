package io.offload.cache.impl;

import io.offload.topology.RankInfo;
import io.vertx.core.Promise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One group at one sequence number: its entries in a three-level radix table indexed by rank
 * (a directory of {@code ceil(size / 2^18)} references, middle pages of up to 1,024 references,
 * leaf pages of 256 entries). Pages exist only where entries are, so memory follows the entries
 * present, not the size the group claims: 4 entries of a group of 10^8 hold about 34 KB, a
 * whole group about 18 B per entry (plus {@link GroupIndex} once complete). A leaf page is freed
 * when its last entry goes.
 *
 * <p>A leaf holds 4 ints per rank, {@code [sp, host, localRank, localSize]}, and its live count
 * last. An entry is published by a release store of its service-process id ({@code -1} =
 * unknown) after its other fields, pages by release stores of their reference; readers load
 * with acquire. So lookups are lock-free, O(1) (three loads) and allocation-free.
 *
 * <p>Thread safety: written under the {@link CacheTables} lock; read lock-free.
 */
final class GroupTable {

  static final int LEAF_BITS = 8;
  static final int LEAF = 1 << LEAF_BITS;
  static final int MID_BITS = 10;
  static final int MID = 1 << MID_BITS;
  static final int TOP_SHIFT = LEAF_BITS + MID_BITS;
  private static final int COUNT = LEAF * 4; // index of a leaf's live count
  static final long LEAF_BYTES = 16 + 4L * (COUNT + 1);
  private static final long OBJECT_BYTES = 64;

  private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle LEAVES = MethodHandles.arrayElementVarHandle(int[][].class);
  private static final VarHandle MIDS = MethodHandles.arrayElementVarHandle(int[][][].class);

  final int groupId;
  final long seq;
  final int size;
  private final int[][][] top;
  /** Guarded by the tables' lock. */
  volatile int known;
  /** Guarded by the tables' lock; completed (and replaced) as the group becomes whole. */
  Promise<Void> completion;
  /** Set when the group is whole; null while it is not. */
  volatile GroupIndex index;
  /** Bytes of the pages; guarded by the tables' lock. */
  private volatile long pageBytes;

  GroupTable(int groupId, long seq, int size, Promise<Void> completion) {
    this.groupId = groupId;
    this.seq = seq;
    this.size = size;
    this.top = new int[(int) (((long) size + (1L << TOP_SHIFT) - 1) >>> TOP_SHIFT)][][];
    this.completion = completion;
  }

  /** The leaf page of {@code rank}, or null. No bounds check: {@code 0 <= rank < size}. */
  private int[] leaf(int rank) {
    int[][] mid = (int[][]) MIDS.getAcquire(top, rank >>> TOP_SHIFT);
    return mid == null ? null : (int[]) LEAVES.getAcquire(mid, (rank >>> LEAF_BITS) & (MID - 1));
  }

  private static int slot(int rank) {
    return (rank & (LEAF - 1)) << 2;
  }

  /** The service process of {@code rank}, or -1 while unknown. */
  int spAcquire(int rank) {
    int[] l = leaf(rank);
    return l == null ? -1 : (int) INTS.getAcquire(l, slot(rank));
  }

  /** Field {@code f} (1 host, 2 localRank, 3 localSize) of a known rank; -1 if it is not known. */
  int field(int rank, int f) {
    int[] l = leaf(rank);
    if (l == null || (int) INTS.getAcquire(l, slot(rank)) < 0) {
      return -1;
    }
    return l[slot(rank) + f];
  }

  int host(int rank) {
    return field(rank, 1);
  }

  int localRank(int rank) {
    return field(rank, 2);
  }

  int localSize(int rank) {
    return field(rank, 3);
  }

  /** Writes an entry; returns whether it is new. Under the lock. */
  boolean write(int rank, int hostId, int lr, int ls, int spId) {
    int[] l = leafForWrite(rank);
    int s = slot(rank);
    boolean fresh = l[s] < 0;
    INTS.setRelease(l, s, -1);
    l[s + 1] = hostId;
    l[s + 2] = lr;
    l[s + 3] = ls;
    INTS.setRelease(l, s, spId);
    if (fresh) {
      l[COUNT]++;
    }
    return fresh;
  }

  /** Clears an entry, freeing its leaf page if it was the last there. Under the lock. */
  boolean clear(int rank) {
    int[] l = leaf(rank);
    int s = slot(rank);
    if (l == null || l[s] < 0) {
      return false;
    }
    INTS.setRelease(l, s, -1);
    if (--l[COUNT] == 0) {
      LEAVES.setRelease(top[rank >>> TOP_SHIFT], (rank >>> LEAF_BITS) & (MID - 1), (int[]) null);
      pageBytes -= LEAF_BYTES;
    }
    return true;
  }

  private int[] leafForWrite(int rank) {
    int t = rank >>> TOP_SHIFT;
    int[][] mid = top[t];
    if (mid == null) {
      // a small group needs only the leaves its size can reach
      int length = (int) Math.min(MID, ((long) size - ((long) t << TOP_SHIFT) + LEAF - 1) >>> LEAF_BITS);
      mid = new int[length][];
      MIDS.setRelease(top, t, mid);
      pageBytes += 16 + 4L * length;
    }
    int m = (rank >>> LEAF_BITS) & (MID - 1);
    int[] l = mid[m];
    if (l == null) {
      l = new int[COUNT + 1];
      for (int i = 0; i < COUNT; i += 4) {
        l[i] = -1;
      }
      LEAVES.setRelease(mid, m, l);
      pageBytes += LEAF_BYTES;
    }
    return l;
  }

  boolean same(int rank, int hostId, int lr, int ls, int spId) {
    int[] l = leaf(rank);
    int s = slot(rank);
    return l != null && l[s] == spId && l[s + 1] == hostId && l[s + 2] == lr && l[s + 3] == ls;
  }

  /**
   * The first rank at or after {@code from} that has an entry, or -1: O(pages + entries) over
   * a whole walk, so iterating a sparse huge group costs what is present, not its size.
   */
  int nextKnown(int from) {
    long r = Math.max(from, 0);
    while (r < size) {
      int ri = (int) r;
      int[][] mid = (int[][]) MIDS.getAcquire(top, ri >>> TOP_SHIFT);
      if (mid == null) {
        r = ((r >>> TOP_SHIFT) + 1) << TOP_SHIFT;
        continue;
      }
      int[] l = (int[]) LEAVES.getAcquire(mid, (ri >>> LEAF_BITS) & (MID - 1));
      if (l == null) {
        r = ((r >>> LEAF_BITS) + 1) << LEAF_BITS;
        continue;
      }
      if ((int) INTS.getAcquire(l, slot(ri)) >= 0) {
        return ri;
      }
      r++;
    }
    return -1;
  }

  /** The known ranks, ascending (allocates an array of what is present). */
  int[] knownRanks() {
    int[] out = new int[Math.max(known, 0)];
    int n = 0;
    for (int r = nextKnown(0); r >= 0 && n < out.length; r = nextKnown(r + 1)) {
      out[n++] = r;
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** The rank info of {@code rank}, or null if it is not known. */
  RankInfo rankInfo(int rank) {
    int[] l = leaf(rank);
    int s = slot(rank);
    if (l == null || (int) INTS.getAcquire(l, s) < 0) {
      return null;
    }
    return new RankInfo(groupId, rank, size, l[s + 2], l[s + 3], l[s + 1]);
  }

  /** Bytes held: this object, the directory, the pages, and the index once whole. */
  long bytes() {
    GroupIndex i = index;
    return OBJECT_BYTES + 16 + 4L * top.length + pageBytes + (i == null ? 0 : i.bytes());
  }
}
