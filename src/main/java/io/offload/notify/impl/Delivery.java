package io.offload.notify.impl;

import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;

import io.offload.notify.Notifier;
import io.offload.notify.PayloadAllocator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Hands arriving notifications to their consumer. The route of a (context, type) is decided when
 * a consumer registers or unregisters, never per message: the context's own consumer, else the
 * engine-wide one, else the arrival is kept (in order, bounded by count and bytes) and handed
 * over, before anything newer, when a consumer registers.
 *
 * <p>Thread safety: {@link #register} and {@link #uninstall} from any thread (they hop to the
 * progress thread); everything else runs on the progress thread, so routes need no locks.
 */
final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  private final Vertx vertx;
  private final Executor progress;
  private final ContextInternal progressContext;
  private final int maxPending;
  private final long maxPendingBytes;
  private final StatsCounters stats;
  private final Routes engineWide = new Routes(null, null);
  /** Routes that hold kept arrivals: an engine-wide consumer drains them. */
  private final Set<Routes> withPending = Collections.newSetFromMap(new IdentityHashMap<>());
  private int pendingCount;
  /** Installed consumers with a payload allocator (progress thread). */
  private int allocatorConsumers;
  private long pendingBytes;
  private volatile int pendingGauge;

  Delivery(Vertx vertx, Executor progress, ContextInternal progressContext, int maxPending, long maxPendingBytes,
           StatsCounters stats) {
    this.vertx = vertx;
    this.progress = progress;
    this.progressContext = progressContext;
    this.maxPending = maxPending;
    this.maxPendingBytes = maxPendingBytes;
    this.stats = stats;
  }

  Routes newRoutes(Notifier context, String contextId) {
    return new Routes(context, contextId);
  }

  /** Progress thread. {@code lent}: {@code n} is reused after this returns. */
  void arrived(Routes routes, Notification n, boolean lent) {
    if (routes.closed) {
      AllocatedPayload.releaseIfAllocated(n.payload());
      return;
    }
    ConsumerImpl c = routes.consumers.get(n.type());
    if (c == null) {
      c = engineWide.consumers.get(n.type());
    }
    // kept arrivals of this (context, type) go first; pendingCount spares the lookup when none are kept
    if (c != null && (pendingCount == 0 || !routes.pending.containsKey(n.type()))) {
      c.deliver(n, lent);
    } else {
      keep(routes, lent ? n.copy() : n);
    }
  }

  private void keep(Routes routes, Notification n) {
    int bytes = n.payload().length();
    if (pendingCount >= maxPending || pendingBytes + bytes > maxPendingBytes) {
      stats.pendingDropped.increment();
      LOG.error("dropped notification type {} from {}/peer {}: {} notifications ({} bytes) already wait for a "
          + "consumer (limits: maxPending {}, maxPendingBytes {}; register consumers earlier)", n.type(),
          n.contextId(), n.peerId(), pendingCount, pendingBytes, maxPending, maxPendingBytes);
      AllocatedPayload.releaseIfAllocated(n.payload());
      return;
    }
    routes.pending.computeIfAbsent(n.type(), t -> new ArrayDeque<>()).add(n);
    withPending.add(routes);
    pendingCount++;
    pendingBytes += bytes;
    pendingGauge = pendingCount;
  }

  /** Registers {@code handler} on the caller's Vert.x context; {@code routes} null: engine-wide. */
  NotificationConsumer register(Routes routes, int type, PayloadAllocator allocator, Handler<Notification> handler) {
    ContextInternal owner = (ContextInternal) vertx.getOrCreateContext();
    boolean inline = progressContext != null && owner.unwrap() == progressContext.unwrap();
    ConsumerImpl c = new ConsumerImpl(this, routes, type, allocator, handler, owner, inline);
    progress.execute(() -> install(c));
    return c;
  }

  private void install(ConsumerImpl c) {
    Routes routes = c.routes == null ? engineWide : c.routes;
    if (routes.closed) {
      c.registered.tryFail(new IllegalStateException(routes.contextId + " is closed"));
      return;
    }
    ConsumerImpl existing = routes.consumers.get(c.type);
    if (existing != null) {
      c.registered.tryFail(new IllegalStateException("type " + c.type + " already has a consumer "
          + (c.routes == null ? "engine-wide" : "on " + routes.contextId) + "; unregister it first"));
      return;
    }
    routes.consumers.put(c.type, c);
    if (c.allocator != null) {
      allocatorConsumers++;
    }
    if (c.routes != null) {
      drain(routes, c);
    } else {
      for (Routes r : withPending.toArray(new Routes[0])) {
        if (!r.consumers.containsKey(c.type)) {
          drain(r, c);
        }
      }
    }
    c.registered.tryComplete();
  }

  private void drain(Routes routes, ConsumerImpl c) {
    ArrayDeque<Notification> kept = routes.pending.remove(c.type);
    if (kept == null) {
      return;
    }
    Notification n;
    while ((n = kept.poll()) != null) {
      pendingCount--;
      pendingBytes -= n.payload().length();
      c.deliver(n, false);
    }
    if (routes.pending.isEmpty()) {
      withPending.remove(routes);
    }
    pendingGauge = pendingCount;
  }

  Future<Void> uninstall(ConsumerImpl c) {
    Promise<Void> done = ((ContextInternal) vertx.getOrCreateContext()).promise();
    progress.execute(() -> {
      Routes routes = c.routes == null ? engineWide : c.routes;
      if (routes.consumers.remove(c.type, c) && c.allocator != null) {
        allocatorConsumers--;
      }
      done.tryComplete();
    });
    return done.future();
  }

  /** The context closed: its consumers and kept arrivals go. */
  void close(Routes routes) {
    progress.execute(() -> {
      routes.closed = true;
      routes.consumers.values().forEach(c -> allocatorConsumers -= c.allocator != null ? 1 : 0);
      routes.consumers.clear();
      routes.pending.forEach((type, kept) -> {
        for (Notification n : kept) {
          pendingCount--;
          pendingBytes -= n.payload().length();
          AllocatedPayload.releaseIfAllocated(n.payload());
        }
      });
      routes.pending.clear();
      withPending.remove(routes);
      pendingGauge = pendingCount;
    });
  }

  int pendingCount() {
    return pendingGauge;
  }

  /**
   * Progress thread, on every arrival of a user type: the allocator of the consumer it would go to
   * now, or null. One field read while no consumer has an allocator (the default).
   */
  PayloadAllocator allocatorFor(Routes routes, int type) {
    if (allocatorConsumers == 0) {
      return null;
    }
    ConsumerImpl c = routes.consumers.get(type);
    if (c == null) {
      c = engineWide.consumers.get(type);
    }
    return c == null ? null : c.allocator;
  }
}
