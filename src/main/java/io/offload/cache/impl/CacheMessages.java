package io.offload.cache.impl;

import io.offload.cache.RemoteRegion;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Payloads of the cache's notifications (library types {@code CACHE_*}, {@code MEMORY_REGION}).
 * Big-endian; lengths validated before use.
 *
 * <pre>
 * CACHE_ENTRIES, CACHE_GROUP:
 *   i32 groupId | i64 seq | i32 groupSize | i32 count | count x [i32 rank | i32 localRank | i32 localSize | i32 hostId
 *   | i32 sp | i32 slot]   slot = width &lt;&lt; 16 | index: sp is the rank's service process of that index
 *   (0 primary, then its shadows) among the width that serve it
 * CACHE_REVOKE:
 *   i32 groupId | i64 seq | i32 kind | i32 groupSize | i32 rank | i32 sp | i32 count | count x i32 rank
 *   kind REMOVE: a process left; rank >= 0: that rank, if served by sp (sp -1: whoever serves
 *                it); rank -1: every rank served by sp
 *   kind VOTE:   rank (of a rank, to its service process) revokes the group
 *   kind COUNTS: the ranks of service process sp that revoked the group (between service processes)
 *   kind DONE:   every member revoked the group (service process to its ranks)
 * CACHE_FETCH:
 *   i32 groupId | i32 rank   (who asks wants that entry, as CACHE_ENTRIES, once known)
 * MEMORY_REGION:
 *   i32 sp | i64 address | i64 length | i32 keyLength | keyLength bytes
 * CACHE_CONFLICT:
 *   i32 groupId | i64 seq | u16 length | length bytes (why the group cannot become whole, UTF-8)
 * </pre>
 *
 * <p>Stateless; thread safe.
 */
final class CacheMessages {

  static final int ENTRIES_HEADER = 20;
  static final int ENTRY = 24;
  /** Ints per entry in {@link Entries#entries()} and in packed arrays. */
  static final int INTS = 6;
  /** The slot of the primary of a rank with one service process. */
  static final int PRIMARY = slot(0, 1);
  static final int REVOKE = 32;
  static final int REMOVE = 0;
  static final int VOTE = 1;
  static final int COUNTS = 2;
  static final int DONE = 3;
  static final int MAX_KEY = 64 * 1024;

  private CacheMessages() {
  }

  /** A decoded entries message; {@code entries} holds {@link #INTS} ints per entry. */
  record Entries(int groupId, long seq, int groupSize, int[] entries) {
    int count() {
      return entries.length / INTS;
    }
  }

  static int slot(int index, int width) {
    return width << 16 | index;
  }

  static int slotIndex(int slot) {
    return slot & 0xFFFF;
  }

  static int slotWidth(int slot) {
    return slot >>> 16;
  }

  /** See the layout; {@code ranks} is empty except for COUNTS. */
  record Revoke(int groupId, long seq, int kind, int groupSize, int rank, int serviceProcess, int[] ranks) {
  }

  /**
   * Entries of {@code ranks} (known here) of table {@code t}: each one's primary, and its shadows
   * known here (one entry each).
   */
  static Buffer entries(GroupTable t, int[] ranks, int count) {
    int n = 0;
    for (int i = 0; i < count; i++) {
      for (int s = 0; s < t.width; s++) {
        n += t.sp(ranks[i], s) >= 0 ? 1 : 0;
      }
    }
    Buffer b = Buffer.buffer(ENTRIES_HEADER + n * ENTRY);
    b.appendInt(t.groupId).appendLong(t.seq).appendInt(t.size).appendInt(n);
    for (int i = 0; i < count; i++) {
      int r = ranks[i];
      for (int s = 0; s < t.width; s++) {
        int sp = t.sp(r, s);
        if (sp >= 0) {
          b.appendInt(r).appendInt(t.localRank(r)).appendInt(t.localSize(r)).appendInt(t.host(r)).appendInt(sp)
              .appendInt(slot(s, t.width));
        }
      }
    }
    return b;
  }

  /** {@code count} entries given as {@link #INTS} ints each (rank, localRank, localSize, hostId, sp, slot). */
  static Buffer entries(int groupId, long seq, int size, int[] packed, int count) {
    Buffer b = Buffer.buffer(ENTRIES_HEADER + count * ENTRY);
    b.appendInt(groupId).appendLong(seq).appendInt(size).appendInt(count);
    for (int i = 0; i < INTS * count; i++) {
      b.appendInt(packed[i]);
    }
    return b;
  }

  /** One entry of the primary of a rank with one service process. */
  static Buffer entry(int groupId, long seq, int size, int rank, int localRank, int localSize, int hostId, int sp) {
    return Buffer.buffer(ENTRIES_HEADER + ENTRY).appendInt(groupId).appendLong(seq).appendInt(size).appendInt(1)
        .appendInt(rank).appendInt(localRank).appendInt(localSize).appendInt(hostId).appendInt(sp).appendInt(PRIMARY);
  }

  static Entries decodeEntries(Buffer b) {
    if (b.length() < ENTRIES_HEADER) {
      throw new IllegalArgumentException("cache entries message of " + b.length() + " bytes (header is "
          + ENTRIES_HEADER + ")");
    }
    int count = b.getInt(16);
    if (count < 0 || (long) count * ENTRY != b.length() - ENTRIES_HEADER) {
      throw new IllegalArgumentException("cache entries message says " + count + " entries but holds "
          + (b.length() - ENTRIES_HEADER) + " bytes");
    }
    int[] e = new int[count * INTS];
    for (int i = 0; i < e.length; i++) {
      e[i] = b.getInt(ENTRIES_HEADER + 4 * i);
    }
    return new Entries(b.getInt(0), b.getLong(4), b.getInt(12), e);
  }

  /** A REMOVE: {@code rank} (served by {@code serviceProcess}, -1: any), or every rank of {@code serviceProcess}. */
  static Buffer revoke(int groupId, long seq, int rank, int serviceProcess) {
    return revoke(REMOVE, groupId, seq, 0, rank, serviceProcess, new int[0], 0);
  }

  static Buffer revoke(int kind, int groupId, long seq, int size, int rank, int sp, int[] ranks, int count) {
    Buffer b = Buffer.buffer(REVOKE + 4 * count).appendInt(groupId).appendLong(seq).appendInt(kind).appendInt(size)
        .appendInt(rank).appendInt(sp).appendInt(count);
    for (int i = 0; i < count; i++) {
      b.appendInt(ranks[i]);
    }
    return b;
  }

  static Revoke decodeRevoke(Buffer b) {
    if (b.length() < REVOKE) {
      throw new IllegalArgumentException("cache revoke message of " + b.length() + " bytes (header is " + REVOKE + ")");
    }
    int kind = b.getInt(12);
    int count = b.getInt(28);
    if (kind < REMOVE || kind > DONE) {
      throw new IllegalArgumentException("cache revoke message of unknown kind " + kind);
    }
    if (count < 0 || (long) count * 4 != b.length() - REVOKE) {
      throw new IllegalArgumentException("cache revoke message says " + count + " ranks but holds "
          + (b.length() - REVOKE) + " bytes");
    }
    int[] ranks = new int[count];
    for (int i = 0; i < count; i++) {
      ranks[i] = b.getInt(REVOKE + 4 * i);
    }
    return new Revoke(b.getInt(0), b.getLong(4), kind, b.getInt(16), b.getInt(20), b.getInt(24), ranks);
  }

  static Buffer fetch(int groupId, int rank) {
    return Buffer.buffer(8).appendInt(groupId).appendInt(rank);
  }

  /** {groupId, rank} of a CACHE_FETCH. */
  static int[] decodeFetch(Buffer b) {
    if (b.length() != 8) {
      throw new IllegalArgumentException("cache fetch message of " + b.length() + " bytes (expected 8)");
    }
    return new int[] {b.getInt(0), b.getInt(4)};
  }

  static Buffer region(RemoteRegion r) {
    return Buffer.buffer(24 + r.packedKey().length).appendInt(r.serviceProcessId()).appendLong(r.address())
        .appendLong(r.length()).appendInt(r.packedKey().length).appendBytes(r.packedKey());
  }

  static RemoteRegion decodeRegion(Buffer b) {
    if (b.length() < 24) {
      throw new IllegalArgumentException("memory region message of " + b.length() + " bytes");
    }
    int keyLength = b.getInt(20);
    if (keyLength < 0 || keyLength > MAX_KEY || keyLength != b.length() - 24) {
      throw new IllegalArgumentException("memory region message with a key of " + keyLength + " bytes in "
          + b.length());
    }
    int sp = b.getInt(0);
    if (sp < 0) {
      throw new IllegalArgumentException("memory region of service process " + sp);
    }
    return new RemoteRegion(sp, b.getLong(4), b.getLong(12), b.getBytes(24, b.length()));
  }

  /** A decoded CACHE_CONFLICT. */
  record Conflict(int groupId, long seq, String reason) {
  }

  static Buffer conflict(int groupId, long seq, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(text.length, 0xFFFF);
    return Buffer.buffer(14 + n).appendInt(groupId).appendLong(seq).appendShort((short) n).appendBytes(text, 0, n);
  }

  static Conflict decodeConflict(Buffer b) {
    if (b.length() < 14 || b.getUnsignedShort(12) != b.length() - 14) {
      throw new IllegalArgumentException("conflict message of " + b.length() + " bytes");
    }
    return new Conflict(b.getInt(0), b.getLong(4), new String(b.getBytes(14, b.length()), StandardCharsets.UTF_8));
  }
}
