package io.offload.engine.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.offload.cache.GroupCache;
import io.offload.context.BootstrapPhase;
import io.offload.notify.NotificationService;
import io.offload.notify.NotifyStats;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The engine's meters, tagged {@code engine=<id>}: phase changes, bootstrap durations,
 * notifications (sent, received, bytes, failures, in flight, queued, pending without consumer,
 * dropped), group cache (groups, entries). Registered in Vert.x's Micrometer registry when Vert.x metrics are enabled
 * ({@code vertx-micrometer-metrics}, e.g. Prometheus), else in a simple registry of the engine's own.
 * Removed on close. {@code vertx-micrometer-metrics} is optional: without it on the classpath the
 * engine keeps its meters in its own simple registry ({@code OffloadEngine.meterRegistry()}).
 */
final class EngineMetrics {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<BootstrapPhase, Counter> phases = new EnumMap<>(BootstrapPhase.class);
  private final Timer bootstrap;

  EngineMetrics(String engineId, NotificationService notifications, GroupCache cache) {
    MeterRegistry vertxRegistry = VertxMicrometer.defaultRegistry();
    this.registry = vertxRegistry != null ? vertxRegistry : new SimpleMeterRegistry();
    Tags tags = Tags.of("engine", engineId);
    for (BootstrapPhase p : BootstrapPhase.values()) {
      Counter c = Counter.builder("offload.phase.changes").description("peers that reached a phase")
          .tags(tags).tag("phase", p.name()).register(registry);
      phases.put(p, c);
      meters.add(c);
    }
    bootstrap = Timer.builder("offload.bootstrap.duration").description("peer creation to BOOTSTRAP_DONE")
        .tags(tags).publishPercentiles(0.5, 0.99).register(registry);
    meters.add(bootstrap);
    NotifyStats s = notifications.stats();
    counter("offload.notifications.sent", "notifications sent (UCX completed)", tags, s.sent);
    counter("offload.notifications.sent.bytes", "payload bytes sent", tags, s.sentBytes);
    counter("offload.notifications.send.failures", "sends failed", tags, s.sendFailures);
    counter("offload.notifications.received", "notifications received over UCX", tags, s.received);
    counter("offload.notifications.received.bytes", "payload bytes received", tags, s.receivedBytes);
    counter("offload.notifications.self", "self-notifications delivered", tags, s.selfDelivered);
    counter("offload.notifications.pending.dropped", "arrivals dropped: no consumer and maxPending reached", tags,
        s.pendingDropped);
    gauge("offload.notifications.in.flight", "sends UCX has not completed", tags, notifications,
        NotificationService::inFlight);
    gauge("offload.notifications.queued", "sends waiting for a flow-control slot", tags, notifications,
        NotificationService::queued);
    gauge("offload.notifications.pending", "arrivals waiting for a consumer", tags, notifications,
        NotificationService::pendingCount);
    gauge("offload.cache.groups", "groups in the group cache", tags, cache, c -> c.groups().length);
    gauge("offload.cache.entries", "rank entries in the group cache", tags, cache, GroupCache::entryCount);
  }

  private void counter(String name, String description, Tags tags, LongAdder adder) {
    meters.add(FunctionCounter.builder(name, adder, LongAdder::sum).description(description).tags(tags)
        .register(registry));
  }

  private <T> void gauge(String name, String description, Tags tags, T target, ToDoubleFunction<T> f) {
    meters.add(Gauge.builder(name, target, f).description(description).tags(tags).register(registry));
  }

  void phaseReached(BootstrapPhase phase, long peerCreatedNanos) {
    phases.get(phase).increment();
    if (phase == BootstrapPhase.BOOTSTRAP_DONE) {
      bootstrap.record(System.nanoTime() - peerCreatedNanos, TimeUnit.NANOSECONDS);
    }
  }

  MeterRegistry registry() {
    return registry;
  }

  void close() {
    meters.forEach(registry::remove);
  }

  /** Vert.x's Micrometer registry, when vertx-micrometer-metrics is on the classpath and enabled; else null. */
  static final class VertxMicrometer {
    private static final boolean PRESENT = present();

    private VertxMicrometer() {
    }

    private static boolean present() {
      try {
        Class.forName("io.vertx.micrometer.backends.BackendRegistries", false, EngineMetrics.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }

    static MeterRegistry defaultRegistry() {
      return PRESENT ? Linked.defaultRegistry() : null;
    }

    /** Only loaded (and linked against vertx-micrometer-metrics) when that is present. */
    private static final class Linked {
      static MeterRegistry defaultRegistry() {
        return io.vertx.micrometer.backends.BackendRegistries.getDefaultNow();
      }
    }
  }
}
