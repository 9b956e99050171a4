package io.offload.bench;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * Recorded durations of one measurement (warm-up already left out) and their median and p99.
 *
 * <p>Thread safety: none; one recording thread.
 */
public final class Sample {

  private final long[] nanos;
  private int n;

  public Sample(int capacity) {
    nanos = new long[capacity];
  }

  public void add(long durationNanos) {
    if (n < nanos.length) {
      nanos[n++] = durationNanos;
    }
  }

  public int count() {
    return n;
  }

  public boolean isFull() {
    return n == nanos.length;
  }

  /** {@code {n, p50Us, p99Us, meanUs, maxUs}}. */
  public JsonObject toJson() {
    long[] s = Arrays.copyOf(nanos, n);
    Arrays.sort(s);
    return new JsonObject().put("n", n)
        .put("p50Us", percentile(s, 0.50) / 1e3)
        .put("p99Us", percentile(s, 0.99) / 1e3)
        .put("meanUs", n == 0 ? 0 : Arrays.stream(s).average().orElse(0) / 1e3)
        .put("maxUs", n == 0 ? 0 : s[n - 1] / 1e3);
  }

  /** Nearest-rank percentile of sorted values. */
  public static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Median and worst of per-round rates (higher is better): {@code {rounds, p50, min}}. */
  public static JsonObject rates(double[] perRound) {
    double[] s = perRound.clone();
    Arrays.sort(s);
    return new JsonObject().put("rounds", s.length).put("p50", s.length == 0 ? 0 : s[(s.length - 1) / 2])
        .put("min", s.length == 0 ? 0 : s[0]);
  }
}
