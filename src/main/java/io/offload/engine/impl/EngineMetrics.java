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
import io.offload.context.PhaseChange;
import io.offload.notify.impl.NotificationService;
import io.offload.notify.NotifyStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The engine's meters, tagged {@code engine=<id>}: phase changes, live peers per context and
 * phase ({@code offload.peers{context, phase}}), bootstrap durations (a histogram with fixed
 * buckets, so that it can be aggregated across processes), notifications (sent, received, bytes,
 * failures, in flight, queued, pending without consumer, dropped), group cache (groups, entries).
 * Registered in Vert.x's Micrometer registry when Vert.x metrics are enabled
 * ({@code vertx-micrometer-metrics}, e.g. Prometheus), else in a simple registry of the engine's
 * own ({@code OffloadEngine.meterRegistry()}); {@code vertx-micrometer-metrics} is optional, a
 * library user may not have it. Removed on close.
 */
final class EngineMetrics {

  private final MeterRegistry registry;
  private final List<Meter> meters = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Map<BootstrapPhase, Counter> phases = new EnumMap<>(BootstrapPhase.class);
  private final Timer bootstrap;
  private final Tags tags;
  /** Per context: live peers in each phase of {@link #LIVE}, indexed by phase ordinal. */
  private final ConcurrentMap<String, AtomicInteger[]> peers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** The phases a live, counted peer can be in (a peer is counted from OOB_CONNECT_DONE until it is lost). */
  private static final List<BootstrapPhase> LIVE = List.of(BootstrapPhase.OOB_CONNECT_DONE,
      BootstrapPhase.UCX_CONNECT_DONE, BootstrapPhase.BOOTSTRAP_DONE);

  /** Bucket bounds of the bootstrap histogram: a rank takes ~5-30 ms alone, seconds on a loaded machine. */
  static final Duration[] BOOTSTRAP_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

  EngineMetrics(String engineId, NotificationService notifications, GroupCache cache) {
    MeterRegistry vertxRegistry = VertxMicrometer.defaultRegistry();
    this.registry = vertxRegistry != null ? vertxRegistry : new SimpleMeterRegistry();
    Tags tags = Tags.of("engine", engineId);
    this.tags = tags;
    for (BootstrapPhase p : BootstrapPhase.values()) {
      Counter c = Counter.builder("offload.phase.changes").description("peers that reached a phase")
          .tags(tags).tag("phase", p.name()).register(registry);
      phases.put(p, c);
      meters.add(c);
    }
    // fixed buckets (Prometheus: _bucket{le=...}), not quantiles computed inside each process
    bootstrap = Timer.builder("offload.bootstrap.duration").description("peer creation to BOOTSTRAP_DONE")
        .tags(tags).serviceLevelObjectives(BOOTSTRAP_BUCKETS).register(registry);
    meters.add(bootstrap);
    NotifyStats s = notifications.stats();
    counter("offload.notifications.sent", "notifications sent (UCX completed)", tags, s, NotifyStats::sent);
    counter("offload.notifications.sent.bytes", "payload bytes sent", tags, s, NotifyStats::sentBytes);
    counter("offload.notifications.send.failures", "sends failed", tags, s, NotifyStats::sendFailures);
    counter("offload.notifications.received", "notifications received over UCX", tags, s, NotifyStats::received);
    counter("offload.notifications.received.bytes", "payload bytes received", tags, s, NotifyStats::receivedBytes);
    counter("offload.notifications.self", "self-notifications delivered", tags, s, NotifyStats::selfDelivered);
    counter("offload.notifications.pending.dropped", "arrivals dropped: no consumer and maxPending or maxPendingBytes reached", tags,
        s, NotifyStats::pendingDropped);
    counter("offload.notifications.receive.buffers.made", "rendezvous receive buffers made (none free in the pool)",
        tags, s, NotifyStats::receiveBuffersMade);
    gauge("offload.notifications.in.flight", "sends UCX has not completed", tags, notifications,
        NotificationService::inFlight);
    gauge("offload.notifications.queued", "sends waiting for a flow-control slot", tags, notifications,
        NotificationService::queued);
    gauge("offload.notifications.pending", "arrivals waiting for a consumer", tags, notifications,
        NotificationService::pendingCount);
    gauge("offload.cache.groups", "groups in the group cache", tags, cache, c -> c.groups().length);
    gauge("offload.cache.entries", "rank entries in the group cache", tags, cache, GroupCache::entryCount);
  }

  private void counter(String name, String description, Tags tags, NotifyStats stats,
                       java.util.function.ToLongFunction<NotifyStats> count) {
    meters.add(FunctionCounter.builder(name, stats, st -> count.applyAsLong(st)).description(description).tags(tags)
        .register(registry));
  }

  private <T> void gauge(String name, String description, Tags tags, T target, ToDoubleFunction<T> f) {
    meters.add(Gauge.builder(name, target, f).description(description).tags(tags).register(registry));
  }

  void phaseReached(PhaseChange change, long peerCreatedNanos) {
    BootstrapPhase phase = change.to();
    phases.get(phase).increment();
    AtomicInteger[] live = peers.computeIfAbsent(change.contextId(), this::peerGauges);
    if (LIVE.contains(change.from())) {
      live[change.from().ordinal()].decrementAndGet();
    }
    if (LIVE.contains(phase)) {
      live[phase.ordinal()].incrementAndGet();
    }
    if (phase == BootstrapPhase.BOOTSTRAP_DONE) {
      bootstrap.record(System.nanoTime() - peerCreatedNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The gauges {@code offload.peers{engine, context, phase}} of a context seen for the first time. */
  private AtomicInteger[] peerGauges(String contextId) {
    AtomicInteger[] counts = new AtomicInteger[BootstrapPhase.values().length];
    for (BootstrapPhase p : LIVE) {
      AtomicInteger n = new AtomicInteger();
      counts[p.ordinal()] = n;
      if (closed) {
        continue; // a late change after close: counted, never registered (close already removed the meters)
      }
      meters.add(Gauge.builder("offload.peers", n, AtomicInteger::get)
          .description("live peers of a context in a phase (lost ones are not counted)")
          .tags(tags).tag("context", contextId).tag("phase", p.name()).register(registry));
    }
    return counts;
  }

  MeterRegistry registry() {
    return registry;
  }

  void close() {
    closed = true;
    synchronized (meters) {
      meters.forEach(registry::remove);
    }
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
