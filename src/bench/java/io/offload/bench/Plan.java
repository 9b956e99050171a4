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

  /**
   * Round trips run and thrown away before measuring: enough for the JIT's second tier to have
   * compiled the path (about 100 ms of round trips here), not a quarter of the measured ones. With
   * 750 (the quick plan's quarter at 8 B) the library's longer path was measured half interpreted
   * against raw JUCX's short one.
   */
  public int warmup(int size, boolean slow) {
    int quarter = Math.max(50, roundTrips(size, slow) / 4);
    if (slow) {
      return quarter;
    }
    return Math.max(quarter, size <= 4096 ? 20_000 : size <= 64 * 1024 ? 2_500 : 300);
  }

  /** Messages of the throughput warm-up round at {@code size}: at least what {@link #warmup} gives round trips. */
  public int warmupMessages(int size) {
    return Math.max(messages(size), size <= 8 ? 200_000 : size <= 4096 ? 100_000 : size <= 64 * 1024 ? 5_000 : 500);
  }

  /** Messages per throughput round at {@code size}. */
  public int messages(int size) {
    return MESSAGES_X * baseMessages(size);
  }

  /** {@code BENCH_MESSAGES_X=K}: K times the one-way messages per round (profiling). */
  private static final int MESSAGES_X = Integer.parseInt(System.getenv().getOrDefault("BENCH_MESSAGES_X", "1"));

  private int baseMessages(int size) {
    if (size <= 8) {
      return 200_000; // quick too: 50,000 took about 50 ms here, and one scheduling hiccup moved the rate by a fifth
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
