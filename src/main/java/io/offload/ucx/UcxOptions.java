package io.offload.ucx;

/**
 * Idle policy of the progress thread.
 *
 * @param spins  busy spins after an idle pass before yielding
 * @param yields {@code Thread.yield()} calls before sleeping in {@code waitForEvents()}
 */
public record UcxOptions(int spins, int yields) {

  public static final int DEFAULT_SPINS = 1000;
  public static final int DEFAULT_YIELDS = 10;

  public UcxOptions {
    if (spins < 0 || yields < 0) {
      throw new IllegalArgumentException("spins and yields must be >= 0, got " + spins + ", " + yields);
    }
  }

  public static UcxOptions defaults() {
    return new UcxOptions(DEFAULT_SPINS, DEFAULT_YIELDS);
  }
}
