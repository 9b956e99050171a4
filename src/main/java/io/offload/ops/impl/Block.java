package io.offload.ops.impl;

/**
 * One sender's block on its way to this service process's ranks: from a local sender (read from
 * its send buffer) or from another service process (pulled from there), to one receiver
 * (alltoallv) or all of them (allgather). Cut into chunks of at most a staging slot as slots
 * come free.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class Block {

  final Round round;
  final int src;
  final int block;
  final int length;
  /** Where it starts in the local sender's send buffer; -1 when it comes from another service process. */
  final long srcOffset;
  /** The service process it comes from (this one for a local sender). */
  final int srcSp;
  /** Local indices of its receivers, and where it lands in each one's receive buffer. */
  final int[] dests;
  final long[] destOffsets;
  /** Receivers whose arguments have not arrived yet. */
  int missing;
  /** Next byte to cut a chunk from. */
  int next;

  Block(Round round, int src, int block, int length, long srcOffset, int srcSp, int[] dests) {
    this.round = round;
    this.src = src;
    this.block = block;
    this.length = length;
    this.srcOffset = srcOffset;
    this.srcSp = srcSp;
    this.dests = dests;
    this.destOffsets = new long[dests.length];
  }

  boolean local() {
    return srcOffset >= 0;
  }

  boolean carved() {
    return next >= length;
  }

  /** Cuts the next chunk of at most {@code chunk} bytes; returns its offset in the block. */
  int cut(int chunk) {
    int at = next;
    next = Math.min(length, next + chunk);
    return at;
  }

  static int chunks(int length, int chunk) {
    return (int) (((long) length + chunk - 1) / chunk);
  }
}
