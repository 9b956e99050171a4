package io.offload.memory.impl;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Payloads of the reserved notification type {@code PEER_MEMORY}. Big-endian; lengths validated
 * before use. The owner is the process whose memory it is; the peer is the one it is exposed to.
 *
 * <pre>
 *   i32 kind | i32 regionId | by kind:
 *   EXPOSE    (owner to peer): i64 address | i64 length | i32 keyLength | keyLength bytes (packed remote key)
 *   EXPOSED   (peer to owner): nothing     (recorded: the peer finds it now)
 *   REFUSED   (peer to owner): UTF-8 reason, the rest of the message
 *   WITHDRAW  (owner to peer): nothing     (stop using it)
 *   WITHDRAWN (peer to owner): nothing     (stopped, its key destroyed: the owner may deregister)
 * </pre>
 *
 * <p>Stateless; thread safe.
 */
final class MemoryMessages {

  static final int EXPOSE = 1;
  static final int EXPOSED = 2;
  static final int REFUSED = 3;
  static final int WITHDRAW = 4;
  static final int WITHDRAWN = 5;
  static final int HEADER = 8;
  static final int EXPOSE_FIXED = HEADER + 20;
  /** A packed remote key is a few hundred bytes; more is refused. */
  static final int MAX_KEY = 64 * 1024;
  /** Regions one peer may expose to this process at a time: bounded per-peer state. */
  static final int MAX_REGIONS_PER_PEER = 1024;
  static final int MAX_REASON = 1024;

  private MemoryMessages() {
  }

  /** A decoded message; {@code key} only for EXPOSE, {@code reason} only for REFUSED. */
  record Message(int kind, int regionId, long address, long length, byte[] key, String reason) {
  }

  static Buffer expose(int id, long address, long length, byte[] key) {
    return Buffer.buffer(EXPOSE_FIXED + key.length).appendInt(EXPOSE).appendInt(id).appendLong(address)
        .appendLong(length).appendInt(key.length).appendBytes(key);
  }

  static Buffer simple(int kind, int id) {
    return Buffer.buffer(HEADER).appendInt(kind).appendInt(id);
  }

  static Buffer refused(int id, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(r.length, MAX_REASON);
    return Buffer.buffer(HEADER + n).appendInt(REFUSED).appendInt(id).appendBytes(r, 0, n);
  }

  static Message decode(Buffer b) {
    if (b.length() < HEADER) {
      throw new IllegalArgumentException("peer memory message of " + b.length() + " bytes");
    }
    int kind = b.getInt(0);
    int id = b.getInt(4);
    switch (kind) {
      case EXPOSE -> {
        if (b.length() < EXPOSE_FIXED) {
          throw new IllegalArgumentException("region exposure of " + b.length() + " bytes");
        }
        int keyLength = b.getInt(24);
        if (keyLength < 1 || keyLength > MAX_KEY || keyLength != b.length() - EXPOSE_FIXED) {
          throw new IllegalArgumentException("region exposure with a key of " + keyLength + " bytes in " + b.length());
        }
        return new Message(kind, id, b.getLong(8), b.getLong(16), b.getBytes(EXPOSE_FIXED, b.length()), null);
      }
      case REFUSED -> {
        return new Message(kind, id, 0, 0, null, b.getString(HEADER, Math.min(b.length(), HEADER + MAX_REASON),
            "UTF-8"));
      }
      case EXPOSED, WITHDRAW, WITHDRAWN -> {
        if (b.length() != HEADER) {
          throw new IllegalArgumentException("peer memory message kind " + kind + " of " + b.length() + " bytes");
        }
        return new Message(kind, id, 0, 0, null, null);
      }
      default -> throw new IllegalArgumentException("unknown peer memory message kind " + kind);
    }
  }
}
