package io.offload.ops.impl;

import io.offload.ops.OperationException;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * The framework's three messages, big-endian, each starting with a version byte; every length
 * is checked before use (a short or foreign message throws {@link IllegalArgumentException}).
 * <pre>
 *  SUBMIT  (rank to service process)  | u8 version | u64 opId | i32 type | args ...          |
 *  DONE    (service process to rank)  | u8 version | u64 opId | u8 status | result or reason |
 *          status 0: ok, the rest is the result; k &gt; 0: failed with Kind.values()[k - 1], UTF-8 reason
 *  MESH    (service process to other) | u8 version | i32 type | i32 from service process | body |
 * </pre>
 */
final class OpsCodec {

  static final byte VERSION = 1;
  static final int SUBMIT_HEADER = 13;
  static final int DONE_HEADER = 10;
  static final int MESH_HEADER = 9;

  private OpsCodec() {
  }

  static Buffer submit(long opId, int type, Buffer args) {
    Buffer b = Buffer.buffer(SUBMIT_HEADER + args.length());
    return b.appendByte(VERSION).appendLong(opId).appendInt(type).appendBuffer(args);
  }

  static Buffer done(long opId, Buffer result) {
    return Buffer.buffer(DONE_HEADER + result.length()).appendByte(VERSION).appendLong(opId).appendByte((byte) 0)
        .appendBuffer(result);
  }

  static Buffer failed(long opId, OperationException.Kind kind, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(DONE_HEADER + r.length).appendByte(VERSION).appendLong(opId)
        .appendByte((byte) (kind.ordinal() + 1)).appendBytes(r);
  }

  static Buffer mesh(int type, int fromServiceProcess, Buffer body) {
    return Buffer.buffer(MESH_HEADER + body.length()).appendByte(VERSION).appendInt(type)
        .appendInt(fromServiceProcess).appendBuffer(body);
  }

  static void check(Buffer b, int header, String what) {
    if (b.length() < header) {
      throw new IllegalArgumentException(what + " of " + b.length() + " bytes, shorter than its " + header
          + "-byte header");
    }
    if (b.getByte(0) != VERSION) {
      throw new IllegalArgumentException(what + " of version " + b.getByte(0) + ", expected " + VERSION);
    }
  }

  static long opId(Buffer b) {
    return b.getLong(1);
  }

  static int submitType(Buffer b) {
    return b.getInt(9);
  }

  /** 0 for success, else the failure kind's ordinal + 1. */
  static int status(Buffer b) {
    return b.getUnsignedByte(9);
  }

  static OperationException failure(Buffer b) {
    int s = status(b);
    OperationException.Kind[] kinds = OperationException.Kind.values();
    OperationException.Kind kind = s - 1 < kinds.length ? kinds[s - 1] : OperationException.Kind.FAILED;
    return new OperationException(kind, b.getString(DONE_HEADER, b.length(), "UTF-8"));
  }

  static int meshType(Buffer b) {
    return b.getInt(1);
  }

  static int meshFrom(Buffer b) {
    return b.getInt(5);
  }
}
