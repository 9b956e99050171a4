package io.offload.engine;

import java.time.Duration;

/**
 * The bound checks the {@link EngineOptions} setters share, so each setter states its rule in one line
 * and every rejection reads the same way ("x must be >= n, got v").
 */
final class OptionChecks {

  private OptionChecks() {
  }

  /** {@code value}, or an {@link IllegalArgumentException} naming {@code name} when below {@code min}. */
  static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  static long atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  /** {@code d}, or an {@link IllegalArgumentException} when null or shorter than a millisecond (JSON carries ms). */
  static Duration atLeastOneMs(String name, Duration d) {
    if (d == null || d.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be >= 1 ms, got " + d);
    }
    return d;
  }
}
