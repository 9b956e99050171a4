package io.offload.notify.impl;

import java.nio.ByteBuffer;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

import java.util.concurrent.atomic.LongAdder;

/**
 * Direct buffers in power-of-two size classes from 64 B to 1 MiB, reused across sends so the
 * hot path does not allocate (the queues are arrays: taking and giving back allocate nothing).
 * Larger buffers are allocated on demand and not kept.
 *
 * <p>Thread safety: safe for any thread.
 */
public final class BufferPool {

  static final int MIN_SHIFT = 6;
  static final int MAX_SHIFT = 20;
  private static final int KEEP_PER_CLASS = 64;

  private final ManyToManyConcurrentArrayQueue<ByteBuffer>[] classes;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder unpooled = new LongAdder();

  @SuppressWarnings("unchecked")
  public BufferPool() {
    classes = new ManyToManyConcurrentArrayQueue[MAX_SHIFT - MIN_SHIFT + 1];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = new ManyToManyConcurrentArrayQueue<>(KEEP_PER_CLASS);
    }
  }

  /** A cleared direct buffer with at least {@code size} bytes of capacity and limit {@code size}. */
  public ByteBuffer acquire(int size) {
    int cls = sizeClass(size);
    if (cls < 0) {
      unpooled.increment();
      return ByteBuffer.allocateDirect(size);
    }
    ByteBuffer b = classes[cls].poll();
    if (b == null) {
      misses.increment();
      b = ByteBuffer.allocateDirect(1 << (cls + MIN_SHIFT));
    } else {
      hits.increment();
    }
    b.clear().limit(size);
    return b;
  }

  /** Gives a buffer back; buffers that did not come from a size class are dropped. */
  public void release(ByteBuffer b) {
    int capacity = b.capacity();
    if (Integer.bitCount(capacity) != 1) {
      return;
    }
    int cls = Integer.numberOfTrailingZeros(capacity) - MIN_SHIFT;
    if (cls < 0 || cls >= classes.length) {
      return;
    }
    classes[cls].offer(b); // false when the class is full: the buffer is left to the GC
  }

  private static int sizeClass(int size) {
    if (size > 1 << MAX_SHIFT) {
      return -1;
    }
    int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(size, 1) - 1));
    return shift - MIN_SHIFT;
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long unpooled() {
    return unpooled.sum();
  }
}
