package io.offload.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's percentiles (HdrHistogram, 3 significant digits) against values known by construction. */
class StatsTest {

  @Test
  void percentilesWithinThreeSignificantDigits() {
    double[] v = new double[1000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i + 1) * 0.25; // 0.25 .. 250.0, in no particular unit
    }
    Stats s = Stats.of(v);
    assertEquals(125.0, s.percentile(50), 125.0 * 1e-3);
    assertEquals(247.5, s.percentile(99), 247.5 * 1e-3);
    assertEquals(250.0, s.max(), 0.0, "the maximum is exact");
  }

  @Test
  void emptyAndSingleSamples() {
    assertTrue(Double.isNaN(Stats.of().percentile(50)));
    assertTrue(Double.isNaN(Stats.of().max()));
    Stats one = Stats.of(List.of(17.5));
    assertEquals(17.5, one.percentile(1), 17.5 * 1e-3);
    assertEquals(17.5, one.percentile(99), 17.5 * 1e-3);
  }
}
