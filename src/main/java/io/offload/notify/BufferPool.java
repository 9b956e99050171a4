package io.offload.notify;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Direct buffers in power-of-two size classes from 64 B to 1 MiB, reused across sends so the
 * hot path does not allocate. Larger buffers are allocated on demand and not kept.
 *
 * <p>Thread safety: safe for any thread.
 */
public final class BufferPool {

  static final int MIN_SHIFT = 6;
  static final int MAX_SHIFT = 20;
  private static final int KEEP_PER_CLASS = 64;

  private final ConcurrentLinkedQueue<ByteBuffer>[] classes;
  /** Buffers kept per class: ConcurrentLinkedQueue.size() walks the whole queue. */
  private final AtomicInteger[] kept;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder unpooled = new LongAdder();

  @SuppressWarnings("unchecked")
  public BufferPool() {
    classes = new ConcurrentLinkedQueue[MAX_SHIFT - MIN_SHIFT + 1];
    kept = new AtomicInteger[classes.length];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = new ConcurrentLinkedQueue<>();
      kept[i] = new AtomicInteger();
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
      kept[cls].decrementAndGet();
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
    if (kept[cls].incrementAndGet() <= KEEP_PER_CLASS) {
      classes[cls].offer(b);
    } else {
      kept[cls].decrementAndGet();
    }
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
