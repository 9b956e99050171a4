package io.offload.ops.impl;

import io.offload.memory.ExposedRegion;
import io.offload.ops.OperationTypes;
import io.vertx.core.buffer.Buffer;

/**
 * One rank's part of a collective, as its arguments carry it, and what the layout means: which
 * blocks it sends (offset and length in its send buffer) and where each block of each member
 * lands in its receive buffer. Big-endian:
 * <pre>
 * | i32 group | i32 rank | i32 size | i64 seq | send memory | recv memory | layout |
 * memory:    | i32 region id (exposed to the service process) | i64 region length |
 * alltoallv: | i32[size] sendCounts | i32[size] sendDispls | i32[size] recvCounts | i32[size] recvDispls |
 * allgather: | i32 sendOffset | i32 count | i32 recvOffset |
 * </pre>
 * Alltoallv: block {@code b} of a sender is the one for member {@code b}. Allgather: a sender has
 * one block, for every member.
 *
 * <p>Immutable once decoded.
 */
final class Desc {

  final int kind;
  final int groupId;
  final int rank;
  final int size;
  final long seq;
  final int sendRegion;
  final long sendLength;
  final int recvRegion;
  final long recvLength;
  final int[] sendCounts;
  final int[] sendDispls;
  final int[] recvCounts;
  final int[] recvDispls;
  final int sendOffset;
  final int count;
  final int recvOffset;

  private Desc(int kind, Buffer b) {
    this.kind = kind;
    int at = 0;
    groupId = b.getInt(at);
    rank = b.getInt(at + 4);
    size = b.getInt(at + 8);
    seq = b.getLong(at + 12);
    at += 20;
    if (size < 1 || rank < 0 || rank >= size) {
      throw new IllegalArgumentException("rank " + rank + " of a group of " + size);
    }
    sendRegion = b.getInt(at);
    sendLength = b.getLong(at + 4);
    recvRegion = b.getInt(at + 12);
    recvLength = b.getLong(at + 16);
    at += 24;
    if (kind == OperationTypes.ALLTOALLV) {
      if (b.length() != at + 16L * size) {
        throw new IllegalArgumentException("alltoallv arguments of " + b.length() + " bytes for a group of " + size);
      }
      sendCounts = ints(b, at, size);
      sendDispls = ints(b, at + 4 * size, size);
      recvCounts = ints(b, at + 8 * size, size);
      recvDispls = ints(b, at + 12 * size, size);
      sendOffset = count = recvOffset = 0;
    } else {
      if (b.length() != at + 12) {
        throw new IllegalArgumentException("allgather arguments of " + b.length() + " bytes");
      }
      sendOffset = b.getInt(at);
      count = b.getInt(at + 4);
      recvOffset = b.getInt(at + 8);
      sendCounts = sendDispls = recvCounts = recvDispls = null;
    }
  }

  /** Decodes and checks the arguments of a collective of {@code kind}. */
  static Desc decode(int kind, Buffer args) {
    if (kind != OperationTypes.ALLTOALLV && kind != OperationTypes.ALLGATHER) {
      throw new IllegalArgumentException("not a collective: operation type " + kind);
    }
    Desc d;
    try {
      d = new Desc(kind, args);
    } catch (IndexOutOfBoundsException e) {
      throw new IllegalArgumentException(OperationTypes.name(kind) + " arguments cut short (" + args.length()
          + " bytes)");
    }
    String bad = d.invalid();
    if (bad != null) {
      throw new IllegalArgumentException(bad);
    }
    return d;
  }

  private static int[] ints(Buffer b, int at, int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = b.getInt(at + 4 * i);
    }
    return a;
  }

  /** Appends the arguments; the rank side. Arrays null for an allgather. */
  static Buffer encode(int groupId, int rank, int size, long seq, ExposedRegion send, ExposedRegion recv,
      int[] sc, int[] sd, int[] rc, int[] rd, int sendOffset, int count, int recvOffset) {
    Buffer b = Buffer.buffer(44 + (sc == null ? 12 : 16 * size));
    b.appendInt(groupId).appendInt(rank).appendInt(size).appendLong(seq);
    b.appendInt(send.id()).appendLong(send.length()).appendInt(recv.id()).appendLong(recv.length());
    if (sc != null) {
      for (int[] a : new int[][] {sc, sd, rc, rd}) {
        for (int v : a) {
          b.appendInt(v);
        }
      }
    } else {
      b.appendInt(sendOffset).appendInt(count).appendInt(recvOffset);
    }
    return b;
  }

  /** Why these arguments cannot be right, or null. The rank checks the same before sending. */
  String invalid() {
    if (kind == OperationTypes.ALLTOALLV) {
      for (int j = 0; j < size; j++) {
        String s = range("send", "sendDispls", "sendCounts", j, sendDispls[j], sendCounts[j], sendLength);
        if (s != null) {
          return s;
        }
        s = range("receive", "recvDispls", "recvCounts", j, recvDispls[j], recvCounts[j], recvLength);
        if (s != null) {
          return s;
        }
      }
      return null;
    }
    if (count < 0 || sendOffset < 0 || recvOffset < 0) {
      return "allgather count and offsets must be >= 0, got count " + count + ", sendOffset " + sendOffset
          + ", recvOffset " + recvOffset;
    }
    if ((long) sendOffset + count > sendLength) {
      return "allgather sends [" + sendOffset + ", " + ((long) sendOffset + count) + ") outside its send buffer of "
          + sendLength + " bytes";
    }
    long end = recvOffset + (long) count * size;
    return end > recvLength ? "allgather receives [" + recvOffset + ", " + end + ") outside its receive buffer of "
        + recvLength + " bytes" : null;
  }

  static String range(String buffer, String displs, String counts, int j, int displ, int count, long length) {
    if (count < 0 || displ < 0) {
      return counts + "[" + j + "] and " + displs + "[" + j + "] must be >= 0, got " + count + " and " + displ;
    }
    if ((long) displ + count > length) {
      return displs + "[" + j + "] + " + counts + "[" + j + "] = " + ((long) displ + count) + " is beyond the "
          + buffer + " buffer of " + length + " bytes";
    }
    return null;
  }

  /** Blocks this member sends. */
  int blocks() {
    return kind == OperationTypes.ALLTOALLV ? size : 1;
  }

  int blockOffset(int b) {
    return kind == OperationTypes.ALLTOALLV ? sendDispls[b] : sendOffset;
  }

  int blockLength(int b) {
    return kind == OperationTypes.ALLTOALLV ? sendCounts[b] : count;
  }

  /** Whether member {@code receiver} takes block {@code b} of any sender, in a collective of {@code kind}. */
  static boolean takes(int kind, int b, int receiver) {
    return kind != OperationTypes.ALLTOALLV || b == receiver;
  }

  /** Where this receiver puts block {@code b} of member {@code src}. */
  long landsAt(int src) {
    return kind == OperationTypes.ALLTOALLV ? recvDispls[src] : recvOffset + (long) src * count;
  }

  /** How many bytes this receiver expects from member {@code src}. */
  int expects(int src) {
    return kind == OperationTypes.ALLTOALLV ? recvCounts[src] : count;
  }

  /** Total bytes this receiver expects. */
  long expectedBytes() {
    if (kind != OperationTypes.ALLTOALLV) {
      return (long) count * size;
    }
    long n = 0;
    for (int c : recvCounts) {
      n += c;
    }
    return n;
  }
}
