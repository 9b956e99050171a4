package io.offload.bootstrap.impl;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * WARN lines that a remote peer can cause, at most {@code perWindow} per window; the rest are
 * counted, and the next line that is written says how many were dropped since the last one
 * (issue 16, fault 7: every hostile connection wrote a WARN line, so an attacker could grow the
 * log without bound). {@link #dropped()} is the total, for metrics and tests.
 *
 * <p>Thread safety: safe from any thread (a short lock around the window's counters).
 */
public final class RateLimitedLog {

  /** Where lines go (the logger's warn; a test's list). */
  @FunctionalInterface
  public interface Sink {
    void warn(String format, Object... args);
  }

  private final Sink sink;
  private final int perWindow;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private long windowStart;
  private int inWindow;
  private long droppedSinceWritten;
  private boolean started;

  public RateLimitedLog(Logger log, int perWindow, Duration window) {
    this(log::warn, perWindow, window, System::nanoTime);
  }

  public RateLimitedLog(Sink sink, int perWindow, Duration window, LongSupplier nanoTime) {
    if (perWindow < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("perWindow must be >= 1 and the window positive");
    }
    this.sink = sink;
    this.perWindow = perWindow;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Writes the line unless this window's budget is spent; then it is only counted. */
  public void warn(String format, Object... args) {
    long drops;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (!started || now - windowStart >= windowNanos) {
        started = true;
        windowStart = now;
        inWindow = 0;
      }
      if (inWindow >= perWindow) {
        droppedSinceWritten++;
        dropped.increment();
        return;
      }
      inWindow++;
      drops = droppedSinceWritten;
      droppedSinceWritten = 0;
    }
    written.increment();
    if (drops == 0) {
      sink.warn(format, args);
    } else {
      Object[] more = Arrays.copyOf(args, args.length + 1);
      more[args.length] = drops;
      sink.warn(format + " ({} similar lines dropped before this one: at most " + perWindow + " per "
          + Duration.ofNanos(windowNanos).toSeconds() + " s)", more);
    }
  }

  /** Lines written so far. */
  public long written() {
    return written.sum();
  }

  /** Lines dropped so far. */
  public long dropped() {
    return dropped.sum();
  }
}
