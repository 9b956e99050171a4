package io.offload.cache.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;

/**
 * The shadow service processes of a group whose ranks have {@code width > 1} service processes
 * (the C original's shadow service processes): for each rank, the global ids of its service
 * processes of index 1 .. width-1, in the same radix layout as {@link GroupTable}'s entries
 * (pages of 256 ranks, made as shadows arrive, freed when their last goes). {@code -1} = not
 * known. A group of one service process per rank has none of this.
 *
 * <p>Thread safety: written under the {@link CacheTables} lock; read lock-free (acquire loads
 * of release stores), O(1), allocation-free.
 */
final class ShadowPages {

  private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle LEAVES = MethodHandles.arrayElementVarHandle(int[][].class);
  private static final VarHandle MIDS = MethodHandles.arrayElementVarHandle(int[][][].class);

  private final int stride;
  private final int count; // index of a leaf's live count
  private final int size;
  private final int[][][] top;
  /** Shadows known; guarded by the tables' lock. */
  volatile int known;
  private volatile long pageBytes;

  /** For a group of {@code size} ranks with {@code width} service processes each. */
  ShadowPages(int size, int width) {
    this.stride = width - 1;
    this.count = GroupTable.LEAF * stride;
    this.size = size;
    this.top = new int[(int) (((long) size + (1L << GroupTable.TOP_SHIFT) - 1) >>> GroupTable.TOP_SHIFT)][][];
  }

  private int[] leaf(int rank) {
    int[][] mid = (int[][]) MIDS.getAcquire(top, rank >>> GroupTable.TOP_SHIFT);
    return mid == null ? null
        : (int[]) LEAVES.getAcquire(mid, (rank >>> GroupTable.LEAF_BITS) & (GroupTable.MID - 1));
  }

  private int slot(int rank, int index) {
    return (rank & (GroupTable.LEAF - 1)) * stride + index - 1;
  }

  /** The service process of index {@code index} (1 .. width-1) of {@code rank}, or -1. */
  int get(int rank, int index) {
    int[] l = leaf(rank);
    return l == null ? -1 : (int) INTS.getAcquire(l, slot(rank, index));
  }

  /** The index (>= 1) at which {@code sp} is a shadow of {@code rank}, or -1. */
  int indexOf(int rank, int sp) {
    for (int i = 1; i <= stride; i++) {
      if (get(rank, i) == sp) {
        return i;
      }
    }
    return -1;
  }

  /** Sets a shadow; returns the one it replaced, or -1. Under the lock. */
  int set(int rank, int index, int sp) {
    int[] l = leafForWrite(rank);
    int s = slot(rank, index);
    int old = l[s];
    INTS.setRelease(l, s, sp);
    if (old < 0) {
      l[count]++;
      known++;
    }
    return old;
  }

  /** Clears a shadow; returns whether one was there. Under the lock. */
  boolean clear(int rank, int index) {
    int[] l = leaf(rank);
    int s = slot(rank, index);
    if (l == null || l[s] < 0) {
      return false;
    }
    INTS.setRelease(l, s, -1);
    known--;
    if (--l[count] == 0) {
      LEAVES.setRelease(top[rank >>> GroupTable.TOP_SHIFT], (rank >>> GroupTable.LEAF_BITS) & (GroupTable.MID - 1),
          (int[]) null);
      pageBytes -= 16 + 4L * (count + 1);
    }
    return true;
  }

  private int[] leafForWrite(int rank) {
    int t = rank >>> GroupTable.TOP_SHIFT;
    int[][] mid = top[t];
    if (mid == null) {
      int length = (int) Math.min(GroupTable.MID,
          ((long) size - ((long) t << GroupTable.TOP_SHIFT) + GroupTable.LEAF - 1) >>> GroupTable.LEAF_BITS);
      mid = new int[length][];
      MIDS.setRelease(top, t, mid);
      pageBytes += 16 + 4L * length;
    }
    int m = (rank >>> GroupTable.LEAF_BITS) & (GroupTable.MID - 1);
    int[] l = mid[m];
    if (l == null) {
      l = new int[count + 1];
      java.util.Arrays.fill(l, 0, count, -1);
      LEAVES.setRelease(mid, m, l);
      pageBytes += 16 + 4L * (count + 1);
    }
    return l;
  }

  /** Every rank with at least one shadow, ascending: O(pages + their ranks). */
  void forEachRank(IntConsumer action) {
    for (int t = 0; t < top.length; t++) {
      int[][] mid = (int[][]) MIDS.getAcquire(top, t);
      if (mid == null) {
        continue;
      }
      for (int m = 0; m < mid.length; m++) {
        int[] l = (int[]) LEAVES.getAcquire(mid, m);
        if (l == null) {
          continue;
        }
        int base = (t << GroupTable.TOP_SHIFT) + (m << GroupTable.LEAF_BITS);
        for (int r = 0; r < GroupTable.LEAF && base + r < size; r++) {
          for (int i = 0; i < stride; i++) {
            if ((int) INTS.getAcquire(l, r * stride + i) >= 0) {
              action.accept(base + r);
              break;
            }
          }
        }
      }
    }
  }

  /** {@code ranks} (ascending) and every rank with a shadow, ascending, each once (allocates). */
  int[] union(int[] ranks) {
    java.util.TreeSet<Integer> all = new java.util.TreeSet<>();
    for (int r : ranks) {
      all.add(r);
    }
    forEachRank(all::add);
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  long bytes() {
    return 32 + 16 + 4L * top.length + pageBytes;
  }
}
