package io.offload.cli;

import org.HdrHistogram.DoubleHistogram;

/**
 * Percentiles of a sample of non-negative values, in the sample's unit: an HdrHistogram
 * {@link DoubleHistogram} (3 significant digits, auto-ranging), not a sorted copy.
 */
final class Stats {

  private final DoubleHistogram histogram = new DoubleHistogram(3);

  private Stats() {
  }

  static Stats of(double... values) {
    Stats s = new Stats();
    for (double v : values) {
      s.histogram.recordValue(v);
    }
    return s;
  }

  static Stats of(Iterable<Double> values) {
    Stats s = new Stats();
    values.forEach(s.histogram::recordValue);
    return s;
  }

  /** The {@code p}-th percentile (0-100); NaN for an empty sample. */
  double percentile(double p) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(p);
  }

  /** The largest value; NaN for an empty sample. */
  double max() {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue();
  }
}
