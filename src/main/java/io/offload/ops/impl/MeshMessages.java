package io.offload.ops.impl;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Messages between the service processes of a collective (inside the framework's MESH message),
 * big-endian, each {@code | u8 kind | i32 group | i64 seq | ...}:
 * <pre>
 * OFFER    | u8 op type | i32 sender | i32 n | n x (i32 block, i32 length) |  a sender's blocks for the receiver's ranks
 * PULL     | i32 sender | i32 block | i32 offset | i32 length | i32 pull | i32 generation |  send me these bytes
 * READY    | i32 pull | i32 generation | i32 slot |  they are in my staging slot: get them
 * RELEASE  | i32 slot |  got them: reuse the slot (group and seq unused)
 * ABORT    | UTF-8 reason |  the collective failed
 * BREAK    | u8 failure kind | UTF-8 reason |  the group lost a member or service process (seq unused)
 * STAGING  | i64 address | i32 length | i32 chunk | u16 key length | key |  my staging region (group, seq unused)
 * </pre>
 * Decoding reads what the kind says and throws {@link IndexOutOfBoundsException} on a short message.
 */
final class MeshMessages {

  static final byte OFFER = 1;
  static final byte PULL = 2;
  static final byte READY = 3;
  static final byte RELEASE = 4;
  static final byte ABORT = 5;
  static final byte BREAK = 6;
  static final byte STAGING = 7;

  static final int HEADER = 13;

  private MeshMessages() {
  }

  static Buffer header(byte kind, int group, long seq, int extra) {
    return Buffer.buffer(HEADER + extra).appendByte(kind).appendInt(group).appendLong(seq);
  }

  static byte kind(Buffer b) {
    return b.getByte(0);
  }

  static int group(Buffer b) {
    return b.getInt(1);
  }

  static long seq(Buffer b) {
    return b.getLong(5);
  }

  static Buffer offer(int group, long seq, int opType, int sender, int[] blocks, int[] lengths, int n) {
    Buffer b = header(OFFER, group, seq, 9 + 8 * n).appendByte((byte) opType).appendInt(sender).appendInt(n);
    for (int i = 0; i < n; i++) {
      b.appendInt(blocks[i]).appendInt(lengths[i]);
    }
    return b;
  }

  /** An OFFER's content. */
  record Offer(int type, int sender, int[] blocks, int[] lengths) {

    static Offer decode(Buffer b) {
      int at = HEADER;
      int n = b.getInt(at + 5);
      if (n < 0 || b.length() != at + 9 + 8L * n) {
        throw new IllegalArgumentException("an offer of " + n + " blocks in " + b.length() + " bytes");
      }
      int[] blocks = new int[n];
      int[] lengths = new int[n];
      for (int i = 0; i < n; i++) {
        blocks[i] = b.getInt(at + 9 + 8 * i);
        lengths[i] = b.getInt(at + 13 + 8 * i);
      }
      return new Offer(b.getByte(at), b.getInt(at + 1), blocks, lengths);
    }
  }

  static Buffer pull(int group, long seq, int sender, int block, int offset, int length, int pull, int gen) {
    return header(PULL, group, seq, 24).appendInt(sender).appendInt(block).appendInt(offset).appendInt(length)
        .appendInt(pull).appendInt(gen);
  }

  static Buffer ready(int group, long seq, int pull, int gen, int slot) {
    return header(READY, group, seq, 12).appendInt(pull).appendInt(gen).appendInt(slot);
  }

  static Buffer release(int slot) {
    return header(RELEASE, 0, 0, 4).appendInt(slot);
  }

  static Buffer abort(int group, long seq, String reason) {
    return header(ABORT, group, seq, reason.length()).appendString(reason, "UTF-8");
  }

  static Buffer brk(int group, int kind, String reason) {
    return header(BREAK, group, 0, 1 + reason.length()).appendByte((byte) kind).appendString(reason, "UTF-8");
  }

  static Buffer staging(long address, int length, int chunk, byte[] key) {
    return header(STAGING, 0, 0, 18 + key.length).appendLong(address).appendInt(length).appendInt(chunk)
        .appendUnsignedShort(key.length).appendBytes(key);
  }

  static int intAt(Buffer b, int field) {
    return b.getInt(HEADER + 4 * field);
  }

  static String text(Buffer b, int from) {
    return new String(b.getBytes(HEADER + from, b.length()), StandardCharsets.UTF_8);
  }
}
