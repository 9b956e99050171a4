package io.offload.cli;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * What {@code offload alltoallv} moves, the same on every rank from the seed: the byte count of
 * each pair (one pair in 8 sends nothing, the others a random size in [B/2, 3B/2]), where each
 * rank's blocks sit in its buffers (send blocks in rank order, receive blocks in reverse order,
 * with small gaps between them that nothing may write), and the pattern each byte must have.
 *
 * <p>Immutable.
 */
final class AlltoallvPlan {

  final int size;
  final int bytes;
  private final int[][] counts;

  AlltoallvPlan(int size, int bytes, long seed) {
    this.size = size;
    this.bytes = bytes;
    this.counts = new int[size][size];
    Random rnd = new Random(seed);
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        counts[i][j] = bytes == 0 || rnd.nextInt(8) == 0 ? 0 : bytes / 2 + rnd.nextInt(Math.max(1, bytes));
      }
    }
  }

  int count(int from, int to) {
    return counts[from][to];
  }

  /** Bytes one alltoallv moves over the whole group. */
  long totalBytes() {
    long n = 0;
    for (int[] row : counts) {
      for (int c : row) {
        n += c;
      }
    }
    return n;
  }

  /** One rank's counts, displacements and buffer lengths. */
  final class Layout {
    final int me;
    final int[] sendCounts = new int[size];
    final int[] sendDispls = new int[size];
    final int[] recvCounts = new int[size];
    final int[] recvDispls = new int[size];
    final int sendLength;
    final int recvLength;

    Layout(int me) {
      this.me = me;
      int at = 0;
      for (int j = 0; j < size; j++) {
        at += gap(j);
        sendCounts[j] = counts[me][j];
        sendDispls[j] = at;
        at += sendCounts[j];
      }
      sendLength = Math.max(1, at);
      at = 0;
      for (int i = size - 1; i >= 0; i--) {
        at += gap(i + 3);
        recvCounts[i] = counts[i][me];
        recvDispls[i] = at;
        at += recvCounts[i];
      }
      recvLength = Math.max(1, at + gap(1));
    }

    private int gap(int k) {
      return (k * 7 + me * 3) % 29;
    }

    /** Writes every block this rank sends in iteration {@code it}. */
    void fillSend(ByteBuffer send, int it) {
      for (int j = 0; j < size; j++) {
        for (int k = 0, at = sendDispls[j]; k < sendCounts[j]; k++, at++) {
          send.put(at, pattern(me, j, k, it));
        }
      }
    }

    /** Fills the whole receive buffer with the iteration's sentinel. */
    void clearRecv(ByteBuffer recv, int it) {
      byte s = sentinel(it);
      for (int k = 0; k < recvLength; k++) {
        recv.put(k, s);
      }
    }

    /**
     * Counts the wrong bytes of the receive buffer after iteration {@code it}: a block byte not
     * equal to its pattern, or a gap byte no longer the sentinel. {@code firstWrong[0]} describes the first.
     */
    long wrongBytes(ByteBuffer recv, int it, String[] firstWrong) {
      long wrong = 0;
      byte s = sentinel(it);
      boolean[] inBlock = new boolean[recvLength];
      for (int i = 0; i < size; i++) {
        for (int k = 0, at = recvDispls[i]; k < recvCounts[i]; k++, at++) {
          inBlock[at] = true;
          byte want = pattern(i, me, k, it);
          if (recv.get(at) != want) {
            if (wrong++ == 0) {
              firstWrong[0] = "rank " + me + ", byte " + k + " from rank " + i + ": " + recv.get(at) + " instead of "
                  + want;
            }
          }
        }
      }
      for (int at = 0; at < recvLength; at++) {
        if (!inBlock[at] && recv.get(at) != s && wrong++ == 0) {
          firstWrong[0] = "rank " + me + ", byte " + at + " outside every block was written";
        }
      }
      return wrong;
    }

    long receivedBytes() {
      long n = 0;
      for (int c : recvCounts) {
        n += c;
      }
      return n;
    }
  }

  static byte pattern(int from, int to, int offset, int it) {
    return (byte) (from * 131 + to * 31 + offset * 7 + (offset >>> 8) * 3 + it * 17);
  }

  static byte sentinel(int it) {
    return (byte) (0xA5 ^ it);
  }
}
