package io.offload.notify.impl;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * Per-hop timestamps of the arrival and reply path, for the bench's "where the time goes" table:
 * active-message callback → handler entry → send posted → send completed. Off by default (every
 * call returns at once); on with the system property {@code offload.hops=true}. Each hop's
 * durations go into preallocated arrays, so recording allocates nothing.
 *
 * <p>Thread safety: progress thread only.
 */
public final class Hop {

  private static final int CAPACITY = 1 << 20;
  private static final Hop OFF = new Hop(false);

  private final boolean on;
  private final long[] toHandler;
  private final long[] toPosted;
  private final long[] toCompleted;
  private int nHandler;
  private int nPosted;
  private int nCompleted;
  private long arrivedAt;
  private long handlerAt;
  private long postedAt;

  private Hop(boolean on) {
    this.on = on;
    int n = on ? CAPACITY : 0;
    toHandler = new long[n];
    toPosted = new long[n];
    toCompleted = new long[n];
  }

  static Hop fromSystemProperty() {
    return Boolean.getBoolean("offload.hops") ? new Hop(true) : OFF;
  }

  void arrived() {
    if (on) {
      arrivedAt = System.nanoTime();
    }
  }

  void handlerEntered() {
    if (on && arrivedAt != 0) {
      handlerAt = System.nanoTime();
      if (nHandler < CAPACITY) {
        toHandler[nHandler++] = handlerAt - arrivedAt;
      }
      arrivedAt = 0;
    }
  }

  void sendPosted() {
    if (on && handlerAt != 0) {
      postedAt = System.nanoTime();
      if (nPosted < CAPACITY) {
        toPosted[nPosted++] = postedAt - handlerAt;
      }
      handlerAt = 0;
    }
  }

  void sendCompleted() {
    if (on && postedAt != 0) {
      if (nCompleted < CAPACITY) {
        toCompleted[nCompleted++] = System.nanoTime() - postedAt;
      }
      postedAt = 0;
    }
  }

  /** Median and p99 of each hop in ns, with counts; empty when off. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject();
    if (on) {
      j.put("callbackToHandler", stats(toHandler, nHandler));
      j.put("handlerToSendPosted", stats(toPosted, nPosted));
      j.put("sendPostedToCompleted", stats(toCompleted, nCompleted));
    }
    return j;
  }

  private static JsonObject stats(long[] values, int n) {
    long[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    return new JsonObject().put("n", n).put("p50", n == 0 ? 0 : sorted[n / 2])
        .put("p99", n == 0 ? 0 : sorted[Math.min(n - 1, (int) (n * 0.99))]);
  }
}
