package io.offload.ops.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.offload.ops.OperationTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Meters of operations, per type and side ({@code rank}: submitted here, {@code service}: run
 * here), created at a type's first use: {@code offload.operations.started}, {@code .completed},
 * {@code .failed}, {@code .duration}; gauge {@code offload.operations.in.flight}. Removed on close.
 *
 * <p>Thread safety: any thread.
 */
final class OpsMetrics {

  static final String RANK = "rank";
  static final String SERVICE = "service";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Map<Long, Meters> meters = new ConcurrentHashMap<>();
  private final List<Meter> all = new ArrayList<>();
  private volatile boolean closed;

  /** The meters of one type on one side. */
  static final class Meters {
    final Counter started;
    final Counter completed;
    final Counter failed;
    final Timer duration;

    Meters(Counter started, Counter completed, Counter failed, Timer duration) {
      this.started = started;
      this.completed = completed;
      this.failed = failed;
      this.duration = duration;
    }

    void ended(boolean ok, long startNanos) {
      (ok ? completed : failed).increment();
      duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }

  OpsMetrics(MeterRegistry registry, String engineId, IntSupplier inFlight) {
    this.registry = registry;
    this.tags = Tags.of("engine", engineId);
    all.add(Gauge.builder("offload.operations.in.flight", inFlight, s -> s.getAsInt())
        .description("operations submitted or running here and not ended").tags(tags).register(registry));
  }

  Meters of(int type, String side) {
    return meters.computeIfAbsent(((long) type << 1) | (SERVICE.equals(side) ? 1 : 0), k -> create(type, side));
  }

  private Meters create(int type, String side) {
    Tags t = tags.and("type", OperationTypes.name(type), "side", side);
    Meters m = new Meters(
        Counter.builder("offload.operations.started").description("operations started").tags(t).register(registry),
        Counter.builder("offload.operations.completed").description("operations completed").tags(t).register(registry),
        Counter.builder("offload.operations.failed").description("operations failed").tags(t).register(registry),
        Timer.builder("offload.operations.duration").description("start to end of an operation").tags(t)
            .publishPercentileHistogram(false).register(registry));
    synchronized (all) {
      List<Meter> four = List.of(m.started, m.completed, m.failed, m.duration);
      if (closed) {
        four.forEach(registry::remove); // a late first use after close: counted, not kept
      } else {
        all.addAll(four);
      }
    }
    return m;
  }

  void close() {
    synchronized (all) {
      closed = true;
      all.forEach(registry::remove);
      all.clear();
    }
  }
}
