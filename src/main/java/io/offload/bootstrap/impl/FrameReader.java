package io.offload.bootstrap.impl;

import io.offload.bootstrap.ProtocolException;
import io.offload.topology.RankInfo;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reading of one OOB frame body ({@link OobCodec}'s decoders): every read checks the
 * bytes left first, so a short or padded frame from an untrusted peer fails with a
 * {@link ProtocolException} naming the frame, never an index error. Kept apart so the codec reads as
 * the wire layout, field after field.
 *
 * <p>Thread safety: one instance per decoded frame, confined to the caller.
 */
final class FrameReader {
  private final Buffer b;
  private final String frame;
  private int pos;

  FrameReader(Buffer b, String frame) {
    this.b = b;
    this.frame = frame;
  }

  private void need(int n) {
    if (pos + n > b.length()) {
      throw new ProtocolException(frame + " truncated: needs " + (pos + n) + " bytes, has " + b.length());
    }
  }

  int i32() {
    need(4);
    int v = b.getInt(pos);
    pos += 4;
    return v;
  }

  int u16() {
    need(2);
    int v = b.getUnsignedShort(pos);
    pos += 2;
    return v;
  }

  int u8() {
    need(1);
    return b.getUnsignedByte(pos++);
  }

  byte[] bytes(int n) {
    need(n);
    byte[] out = b.getBytes(pos, pos + n);
    pos += n;
    return out;
  }

  byte[] sized(int max, String what) {
    long n = Integer.toUnsignedLong(i32());
    if (n == 0 || n > max) {
      throw new ProtocolException(frame + ": " + what + " of " + n + " bytes outside [1, " + max + "]");
    }
    return bytes((int) n);
  }

  String string() {
    return new String(bytes(u16()), StandardCharsets.UTF_8);
  }

  RankInfo rank() {
    int g = i32(), rank = i32(), size = i32(), lr = i32(), ls = i32(), host = i32();
    try {
      return new RankInfo(g, rank, size, lr, ls, host);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(frame + ": invalid rank info: " + e.getMessage());
    }
  }

  void end() {
    if (pos != b.length()) {
      throw new ProtocolException(frame + " has " + (b.length() - pos) + " unexpected trailing bytes");
    }
  }
}
