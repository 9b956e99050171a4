package io.offload.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageProducer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands arriving notifications to event-bus consumers: the per-context address first, then the
 * engine-wide one. When neither has a consumer the notification is kept (in order, bounded)
 * and retried until one registers; past the bound it is dropped, counted and logged.
 *
 * <p>Thread safety: safe for any thread; remote arrivals come from the progress thread, self
 * notifications from their emitters.
 */
final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
  private static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final String engineId;
  private final int maxPending;
  private final NotifyStats stats;
  private final Map<String, MessageProducer<Notification>> producers = new ConcurrentHashMap<>();
  /** Keyed by per-context address; each queue in arrival order. */
  private final Map<String, ArrayDeque<Notification>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private volatile long retryTimer = -1;

  Delivery(Vertx vertx, String engineId, int maxPending, NotifyStats stats) {
    this.vertx = vertx;
    this.engineId = engineId;
    this.maxPending = maxPending;
    this.stats = stats;
  }

  void deliver(Notification n) {
    String key = Addresses.perContext(engineId, n.contextId(), n.type());
    if (pendingCount.get() > 0) {
      synchronized (this) {
        ArrayDeque<Notification> queue = pending.get(key);
        if (queue != null && !queue.isEmpty()) {
          keep(key, n); // behind the ones already waiting, to keep order
          return;
        }
      }
    }
    if (!tryDeliver(key, n)) {
      synchronized (this) {
        keep(key, n);
      }
    }
  }

  /** True when some consumer took it. */
  private boolean tryDeliver(String perContext, Notification n) {
    return write(perContext, n) || write(Addresses.engineWide(engineId, n.type()), n);
  }

  private boolean write(String address, Notification n) {
    Future<Void> f = producers.computeIfAbsent(address, a -> vertx.eventBus().sender(a, LOCAL_ONLY)).write(n);
    if (!f.isComplete()) {
      return true; // an interceptor deferred it: the bus owns it now
    }
    return !(f.failed() && f.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS);
  }

  private void keep(String key, Notification n) {
    if (pendingCount.get() >= maxPending) {
      stats.pendingDropped.increment();
      LOG.error("dropped notification type {} from {}/peer {}: {} notifications already wait for a consumer "
          + "(raise maxPending or register consumers earlier)", n.type(), n.contextId(), n.peerId(), maxPending);
      return;
    }
    pending.computeIfAbsent(key, k -> new ArrayDeque<>()).add(n);
    pendingCount.incrementAndGet();
    if (retryTimer < 0) {
      retryTimer = vertx.setPeriodic(10, id -> retry());
    }
  }

  private synchronized void retry() {
    for (Iterator<Map.Entry<String, ArrayDeque<Notification>>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, ArrayDeque<Notification>> e = it.next();
      ArrayDeque<Notification> queue = e.getValue();
      while (!queue.isEmpty() && tryDeliver(e.getKey(), queue.peek())) {
        queue.poll();
        pendingCount.decrementAndGet();
      }
      if (queue.isEmpty()) {
        it.remove();
      }
    }
    if (pendingCount.get() == 0 && retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }

  int pendingCount() {
    return pendingCount.get();
  }

  void close() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }
}
