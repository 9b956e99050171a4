package io.offload.ucx;


import io.offload.json.JsonKeys;
import io.vertx.core.json.JsonObject;


/**
 * How the UCX progress thread waits when there is no work (see {@link ProgressIdleStrategy}): it
 * busy-spins for {@link #getSpinMicros()} after the last work, then yields for
 * {@link #getYieldMicros()}, then sleeps in UCX's {@code waitForEvents()} until an arrival or a
 * task wakes it. {@link #setBusyPoll(boolean) Busy-poll} never sleeps: lowest latency, one core
 * always busy.
 *
 * <p>JSON keys (inside the engine options): {@code busyPoll}, {@code progressSpinMicros},
 * {@code progressYieldMicros}. The JSON constructor rejects any other key.
 */
public final class UcxOptions {

  /**
   * Default spin window, 1 ms: far longer than a wake-up from {@code waitForEvents()} here
   * (≈ 60–100 µs) and than the scheduling gaps of a loaded 2-core machine, so that in a ping-pong
   * the answer to a message arrives while its sender still spins, whichever side slept before.
   * Measured (README: Benchmarks): 8 B round trip 1.6× raw JUCX with 1 ms of spin, 166× with
   * 100 µs of spin then yields (a yield on a loaded machine gives the core away for a time slice).
   */
  public static final long DEFAULT_SPIN_MICROS = 1000;
  /** Default yield window after the spin: none (see {@link #DEFAULT_SPIN_MICROS}). */
  public static final long DEFAULT_YIELD_MICROS = 0;
  /** Busy-poll off by default: the progress thread sleeps after the spin and yield windows. */
  public static final boolean DEFAULT_BUSY_POLL = false;

  /** The JSON keys these options read, which the engine options JSON holds beside its own. */
  public static final JsonKeys JSON_KEYS = JsonKeys.of(UcxOptions.class, "busyPoll", "progressSpinMicros",
      "progressYieldMicros");

  private long spinMicros = DEFAULT_SPIN_MICROS;
  private long yieldMicros = DEFAULT_YIELD_MICROS;
  private boolean busyPoll = DEFAULT_BUSY_POLL;

  public UcxOptions() {
  }

  public UcxOptions(UcxOptions other) {
    this.spinMicros = other.spinMicros;
    this.yieldMicros = other.yieldMicros;
    this.busyPoll = other.busyPoll;
  }

  /**
   * Reads the keys above from {@code json}; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException on an invalid value or any other key
   */
  public UcxOptions(JsonObject json) {
    JSON_KEYS.check(json);
    setSpinMicros(json.getLong("progressSpinMicros", DEFAULT_SPIN_MICROS));
    setYieldMicros(json.getLong("progressYieldMicros", DEFAULT_YIELD_MICROS));
    setBusyPoll(json.getBoolean("busyPoll", DEFAULT_BUSY_POLL));
  }

  /** The keys above, read back by {@link #UcxOptions(JsonObject)}. */
  public JsonObject toJson() {
    return toJson(new JsonObject());
  }

  /** Writes the keys above into {@code json}. */
  public JsonObject toJson(JsonObject json) {
    return json.put("progressSpinMicros", spinMicros).put("progressYieldMicros", yieldMicros).put("busyPoll", busyPoll);
  }

  public long getSpinMicros() {
    return spinMicros;
  }

  /** Busy-spin window after the last work, in µs ({@code >= 0}). */
  public UcxOptions setSpinMicros(long spinMicros) {
    if (spinMicros < 0) {
      throw new IllegalArgumentException("progressSpinMicros must be >= 0, got " + spinMicros);
    }
    this.spinMicros = spinMicros;
    return this;
  }

  public long getYieldMicros() {
    return yieldMicros;
  }

  /** Yield window after the spin, in µs ({@code >= 0}). */
  public UcxOptions setYieldMicros(long yieldMicros) {
    if (yieldMicros < 0) {
      throw new IllegalArgumentException("progressYieldMicros must be >= 0, got " + yieldMicros);
    }
    this.yieldMicros = yieldMicros;
    return this;
  }

  public boolean isBusyPoll() {
    return busyPoll;
  }

  /** Never sleep: the progress thread spins forever (one core busy). */
  public UcxOptions setBusyPoll(boolean busyPoll) {
    this.busyPoll = busyPoll;
    return this;
  }


  @Override
  public boolean equals(Object o) {
    return o instanceof UcxOptions u && u.spinMicros == spinMicros && u.yieldMicros == yieldMicros
        && u.busyPoll == busyPoll;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(spinMicros) * 31 + Long.hashCode(yieldMicros) * 7 + (busyPoll ? 1 : 0);
  }

  @Override
  public String toString() {
    return toJson(new JsonObject()).encode();
  }
}
