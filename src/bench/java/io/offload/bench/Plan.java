package io.offload.bench;

/**
 * How much to measure: payload sizes, and per size the round trips and one-way messages,
 * shorter with {@code --quick}. Passed to children as one argument ({@link #toArg()}).
 */
public record Plan(boolean quick) {

  /** The payload sizes of every transport benchmark. */
  public static final int[] SIZES = System.getenv("BENCH_SIZES") == null ? new int[] {8, 4096, 64 * 1024, 1024 * 1024}
      : java.util.Arrays.stream(System.getenv("BENCH_SIZES").split(",")).mapToInt(Integer::parseInt).toArray();

  public static Plan fromArg(String arg) {
    return new Plan("quick".equals(arg));
  }

  public String toArg() {
    return quick ? "quick" : "full";
  }

  /** Round trips measured at {@code size} (after {@link #warmup}); {@code slow} for the clustered bus. */
  public int roundTrips(int size, boolean slow) {
    return RTT_X * baseRoundTrips(size, slow);
  }

  /** {@code BENCH_RTT_X=K}: K times the round trips (profiling); {@code BENCH_SIZES=a,b}: only those sizes. */
  private static final int RTT_X = Integer.parseInt(System.getenv().getOrDefault("BENCH_RTT_X", "1"));

  private int baseRoundTrips(int size, boolean slow) {
    int n;
    if (size <= 4096) {
      n = quick ? 3_000 : 20_000;
    } else if (size <= 64 * 1024) {
      n = quick ? 500 : 5_000;
    } else {
      n = quick ? 100 : 1_000;
    }
    return slow ? Math.max(100, n / 5) : n;
  }

  /** Round trips run and thrown away before measuring. */
  public int warmup(int size, boolean slow) {
    return Math.max(50, roundTrips(size, slow) / 4);
  }

  /** Messages per throughput round at {@code size}. */
  public int messages(int size) {
    return MESSAGES_X * baseMessages(size);
  }

  /** {@code BENCH_MESSAGES_X=K}: K times the one-way messages per round (profiling). */
  private static final int MESSAGES_X = Integer.parseInt(System.getenv().getOrDefault("BENCH_MESSAGES_X", "1"));

  private int baseMessages(int size) {
    if (size <= 8) {
      return quick ? 50_000 : 200_000;
    } else if (size <= 4096) {
      return quick ? 20_000 : 50_000;
    } else if (size <= 64 * 1024) {
      return quick ? 2_000 : 5_000;
    }
    return quick ? 200 : 500;
  }

  /** Measured throughput rounds (one more runs first as warm-up). */
  public int rounds() {
    return quick ? 2 : 5;
  }

  public static String label(int size) {
    if (size >= 1024 * 1024) {
      return (size >> 20) + " MiB";
    }
    if (size >= 1024) {
      return (size >> 10) + " KiB";
    }
    return size + " B";
  }
}
