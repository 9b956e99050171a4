package io.offload.cli;

import org.HdrHistogram.DoubleHistogram;

/**
 * Percentiles of a sample of non-negative values, in the sample's unit: an HdrHistogram
 * {@link DoubleHistogram} (3 significant digits, auto-ranging), not a sorted copy.
 */
final class Stats {

  private final DoubleHistogram histogram = new DoubleHistogram(3);
  private double max = Double.NaN; // exact (the histogram's is the bucket's upper end)

  private Stats() {
  }

  static Stats of(double... values) {
    Stats s = new Stats();
    for (double v : values) {
      s.record(v);
    }
    return s;
  }

  static Stats of(Iterable<Double> values) {
    Stats s = new Stats();
    values.forEach(s::record);
    return s;
  }

  private void record(double v) {
    histogram.recordValue(v);
    max = Double.isNaN(max) ? v : Math.max(max, v);
  }

  /** The {@code p}-th percentile (0-100); NaN for an empty sample. */
  double percentile(double p) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(p);
  }

  /** The largest value; NaN for an empty sample. */
  double max() {
    return max;
  }
}
