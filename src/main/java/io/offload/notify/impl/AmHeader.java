package io.offload.notify.impl;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Flyweight over the header of a notification active message, little-endian:
 * <pre>
 *  0               4               8                              16
 *  +---------------+---------------+------------------------------+
 *  | dst channel   | event type    | event id (per-sender seq)    |
 *  +---------------+---------------+------------------------------+
 *  | payload size (bytes)          | src channel   | reserved     |
 *  +-------------------------------+---------------+--------------+
 *  16                              24              28             32
 * </pre>
 * The destination channel is the receiver's id for the sending peer; the receiver learned
 * nothing else from the sender, it looks the peer up by that id. One instance is reused for every
 * arrival ({@link #wrap}); nothing is allocated per message.
 *
 * <p>Thread safety: none; one instance per thread.
 */
public final class AmHeader {

  public static final int DST_CHANNEL_OFFSET = 0;
  public static final int TYPE_OFFSET = 4;
  public static final int EVENT_ID_OFFSET = 8;
  public static final int PAYLOAD_SIZE_OFFSET = 16;
  public static final int SRC_CHANNEL_OFFSET = 24;
  public static final int LENGTH = 32;
  /** UCX active-message id of notifications. */
  public static final int AM_ID = 7;
  private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

  private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

  /** Points the flyweight at a header in native memory (valid for the callback only). */
  AmHeader wrap(long address) {
    buffer.wrap(address, LENGTH);
    return this;
  }

  int dstChannel() {
    return buffer.getInt(DST_CHANNEL_OFFSET, ORDER);
  }

  int type() {
    return buffer.getInt(TYPE_OFFSET, ORDER);
  }

  long eventId() {
    return buffer.getLong(EVENT_ID_OFFSET, ORDER);
  }

  long payloadSize() {
    return buffer.getLong(PAYLOAD_SIZE_OFFSET, ORDER);
  }

  /** Writes a header into a send event's direct buffer. */
  public static void write(ByteBuffer b, int dstChannel, int type, long eventId, long payloadSize, int srcChannel) {
    b.order(ORDER);
    b.putInt(DST_CHANNEL_OFFSET, dstChannel);
    b.putInt(TYPE_OFFSET, type);
    b.putLong(EVENT_ID_OFFSET, eventId);
    b.putLong(PAYLOAD_SIZE_OFFSET, payloadSize);
    b.putInt(SRC_CHANNEL_OFFSET, srcChannel);
    b.putInt(SRC_CHANNEL_OFFSET + 4, 0);
  }
}
