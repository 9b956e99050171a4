package io.offload.fault;

import io.offload.context.ExecutionContext;
import io.offload.engine.OffloadEngine;
import io.offload.notify.Notification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Test helpers for notification streams: a recorder of what arrived, and a sender that keeps count. */
final class Streams {

  private Streams() {
  }

  /** Records (incarnation, sequence) payloads of {@link FaultRank#STREAM} arriving at an engine. */
  static final class Recorder {
    private final Map<Long, BitSet> seen = new HashMap<>();
    private final List<String> duplicates = new ArrayList<>();
    final AtomicLong total = new AtomicLong();

    Recorder(Vertx vertx, OffloadEngine engine) {
      engine.consumer(FaultRank.STREAM, m -> record(m));
    }

    private synchronized void record(Notification n) {
      long incarnation = n.payload().getLong(0);
      long seq = n.payload().getLong(8);
      BitSet bits = seen.computeIfAbsent(incarnation, k -> new BitSet());
      if (bits.get((int) seq)) {
        duplicates.add(incarnation + "/" + seq);
      }
      bits.set((int) seq);
      total.incrementAndGet();
    }

    synchronized long count(long incarnation) {
      BitSet b = seen.get(incarnation);
      return b == null ? 0 : b.cardinality();
    }

    /** How many of the first {@code n} sequence numbers of {@code incarnation} are missing. */
    synchronized long missingBelow(long incarnation, long n) {
      BitSet b = seen.getOrDefault(incarnation, new BitSet());
      return n - b.get(0, (int) n).cardinality();
    }

    synchronized List<String> duplicates() {
      return new ArrayList<>(duplicates);
    }
  }

  /** Sends a {@link FaultRank#STREAM} to one peer until told to stop or a send fails; counts outcomes. */
  static final class Sender {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final List<Throwable> failures = new ArrayList<>();
    private volatile boolean stopped;
    private final List<Future<Void>> all = new ArrayList<>();

    /** Starts on the engine's UCX context: {@code perTick} sends every 10 ms, at most {@code window} outstanding. */
    Sender(Vertx vertx, OffloadEngine engine, ExecutionContext ctx, int peerId, int perTick, int window) {
      engine.ucxContext().runOnContext(v -> vertx.setPeriodic(10, id -> {
        if (stopped) {
          vertx.cancelTimer(id);
          return;
        }
        for (int i = 0; i < perTick && sent.get() - completed.get() - failed.get() < window; i++) {
          long seq = sent.getAndIncrement();
          Future<Void> f;
          try {
            f = ctx.notify(peerId, FaultRank.STREAM, Buffer.buffer(16).appendLong(0).appendLong(seq));
          } catch (IllegalStateException e) {
            sent.decrementAndGet();
            stopped = true;
            return;
          }
          synchronized (all) {
            all.add(f);
          }
          f.onComplete(ar -> {
            if (ar.succeeded()) {
              completed.incrementAndGet();
            } else {
              synchronized (failures) {
                failures.add(ar.cause());
              }
              failed.incrementAndGet();
            }
          });
        }
      }));
    }

    void stop() {
      stopped = true;
    }

    boolean allSettled() {
      return completed.get() + failed.get() == sent.get();
    }
  }
}
