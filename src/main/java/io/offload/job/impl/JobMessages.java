package io.offload.job.impl;

import io.vertx.core.buffer.Buffer;

/**
 * The one job message ({@code EventTypes.JOB_STATUS}) between service processes, big-endian:
 * <pre>
 *   0       1       2               4
 *   +-------+-------+---------------+-------------------------------+
 *   |version| flags |   reserved 0  |  ranks (job size; -1: no job) |
 *   +-------+-------+---------------+-------------------------------+
 *   8  incarnation (i64: the sender's life)                          |
 *  16  seq (i64: the sender's message number)                        |
 *  24  ack (i64: seq of the receiver's OVER message answered, or -1) |
 *  32  bootstrapped | 36 finalized | 40 lost | 44 live (i32 each)    |
 *  48
 * </pre>
 * Flag {@link #OVER}: the sender saw the job end; its counts are then the job's totals as it
 * saw them, else its own ranks' counts.
 */
final class JobMessages {

  static final int VERSION = 1;
  static final int OVER = 1;
  static final int LENGTH = 48;
  static final int FLAGS_OFFSET = 1;
  static final int RANKS_OFFSET = 4;
  static final int INCARNATION_OFFSET = 8;
  static final int SEQ_OFFSET = 16;
  static final int ACK_OFFSET = 24;
  static final int COUNTS_OFFSET = 32;

  private JobMessages() {
  }

  /** Counts of ranks: bootstrapped, finalized, lost, live. */
  record Counts(int bootstrapped, int finalized, int lost, int live) {
    static final Counts NONE = new Counts(0, 0, 0, 0);

    Counts plus(Counts o) {
      return new Counts(bootstrapped + o.bootstrapped, finalized + o.finalized, lost + o.lost, live + o.live);
    }

    /** As seen once their service process is gone: the connected ones are lost with it. */
    Counts liveLost() {
      return new Counts(bootstrapped, finalized, lost + live, 0);
    }
  }

  record Message(int flags, int ranks, long incarnation, long seq, long ack, Counts counts) {
    boolean over() {
      return (flags & OVER) != 0;
    }
  }

  static Buffer encode(int flags, int ranks, long incarnation, long seq, long ack, Counts c) {
    return Buffer.buffer(LENGTH).appendByte((byte) VERSION).appendByte((byte) flags).appendShort((short) 0)
        .appendInt(ranks).appendLong(incarnation).appendLong(seq).appendLong(ack)
        .appendInt(c.bootstrapped).appendInt(c.finalized).appendInt(c.lost).appendInt(c.live);
  }

  /** Decodes a message; throws {@code IllegalArgumentException} on anything malformed. */
  static Message decode(Buffer b) {
    if (b.length() != LENGTH) {
      throw new IllegalArgumentException("job message of " + b.length() + " bytes, expected " + LENGTH);
    }
    if (b.getByte(0) != VERSION) {
      throw new IllegalArgumentException("job message version " + b.getByte(0) + ", expected " + VERSION);
    }
    int flags = b.getByte(FLAGS_OFFSET);
    if ((flags & ~OVER) != 0) {
      throw new IllegalArgumentException("job message with unknown flags " + flags);
    }
    Counts c = new Counts(b.getInt(COUNTS_OFFSET), b.getInt(COUNTS_OFFSET + 4), b.getInt(COUNTS_OFFSET + 8),
        b.getInt(COUNTS_OFFSET + 12));
    if (c.bootstrapped < 0 || c.finalized < 0 || c.lost < 0 || c.live < 0
        || (long) c.finalized + c.lost + c.live != c.bootstrapped) {
      throw new IllegalArgumentException("job message with inconsistent counts " + c);
    }
    int ranks = b.getInt(RANKS_OFFSET);
    if (ranks < -1 || ranks == 0) {
      throw new IllegalArgumentException("job message with job size " + ranks);
    }
    return new Message(flags, ranks, b.getLong(INCARNATION_OFFSET), b.getLong(SEQ_OFFSET), b.getLong(ACK_OFFSET), c);
  }
}
