package io.offload.notify.impl;

import io.offload.notify.EventTypes;
import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.offload.notify.NotifyStats;
import io.offload.notify.PayloadAllocator;

import io.netty.buffer.ByteBuf;
import io.offload.notify.Notifier;
import io.offload.topology.RankInfo;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Notifications of one engine: sends them as UCX active messages on a peer's {@link Channel},
 * receives them in the worker's active-message handler, restores per-sender order and hands
 * them to the library's own handlers (reserved types) or to event-bus consumers (user types).
 *
 * <p>Thread safety: {@code send*} from any thread; the rest runs on the progress thread.
 */
public final class NotificationService<O> {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);

  private static final int SEND_EVENTS_KEPT = 4096;

  private final Vertx vertx;
  private final UcxRuntime ucx;
  private final int maxInFlight;
  private final int maxQueued;
  private final StatsCounters stats = new StatsCounters(this);
  private final BufferPool buffers = new BufferPool();
  private final ManyToManyConcurrentArrayQueue<SendEvent> events = new ManyToManyConcurrentArrayQueue<>(SEND_EVENTS_KEPT);
  private final ChannelTable<O> channels = new ChannelTable<>();
  private final Map<Integer, BiConsumer<O, Notification>> internal = new ConcurrentHashMap<>();
  private final Delivery delivery;
  private final NotificationImpl lent = new NotificationImpl(0, null, null, -1, null, -1, null);
  private final Hop hops;
  private final Arrivals<O> arrivals;

  public NotificationService(Vertx vertx, UcxRuntime ucx, int maxInFlight, int maxQueued, int maxPending,
                             long maxPendingBytes) {
    this.vertx = vertx;
    this.ucx = ucx;
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
    this.delivery = new Delivery(vertx, ucx::execute, ucx.context(), maxPending, maxPendingBytes, stats);
    this.hops = Hop.fromSystemProperty();
    this.arrivals = new Arrivals<>(channels, delivery, stats, hops);
  }

  /** Registers the active-message handler. Progress thread only, before any peer exists. */
  public void start() {
    ucx.setAmHandler(AmHeader.AM_ID, arrivals::onActiveMessage);
  }

  /** The routes of a new execution context: where its arrivals go. */
  public Routes routes(Notifier context, String contextId) {
    return delivery.newRoutes(context, contextId);
  }

  /** Registers a consumer of {@code type} on the caller's Vert.x context; {@code routes} null: engine-wide. */
  public NotificationConsumer consumer(Routes routes, int type, Handler<Notification> handler) {
    return delivery.register(routes, type, null, handler);
  }

  /** As {@link #consumer(Routes, int, Handler)}, its payloads received into buffers from {@code allocator}. */
  public NotificationConsumer consumer(Routes routes, int type, PayloadAllocator allocator,
                                       Handler<Notification> handler) {
    if (allocator == null) {
      throw new IllegalArgumentException("a consumer with application memory needs a PayloadAllocator; without one,"
          + " use consumer(type, handler)");
    }
    return delivery.register(routes, type, allocator, handler);
  }

  /** The context closed: its consumers and kept notifications go. */
  public void closeRoutes(Routes routes) {
    delivery.close(routes);
  }

  /** A channel for a new peer; its id goes to the peer during bootstrap. */
  public Channel<O> newChannel(Routes routes, int peerId) {
    Channel<O> ch = new Channel<>(this, channels.reserve(), routes, peerId);
    channels.add(ch);
    return ch;
  }

  /**
   * Fails the channel's sends, forgets it and closes its endpoint (forced when the peer is
   * gone). Runs on the progress thread; the future completes once the endpoint is closed.
   */
  public Future<Void> closeChannel(Channel<O> ch, String reason, boolean peerGone) {
    return ucx.call(() -> {
      ch.fail(reason);
      channels.remove(ch);
      UcpEndpoint ep = ch.endpoint();
      return ep;
    }).compose(ep -> ep == null ? Future.succeededFuture() : ucx.call(() -> ucx.closeEndpoint(ep, peerGone)).compose(f -> f));
  }

  /** Handles reserved type {@code type} on the progress thread; the handler owns what it is given. */
  public void onInternal(int type, BiConsumer<O, Notification> handler) {
    internal.put(type, handler);
  }

  // ------------------------------------------------------------------ sending

  /** Sends a copy of {@code payload}; the caller may reuse its buffer at once. */
  public Future<Void> send(Channel<O> ch, int type, Buffer payload) {
    if (payload instanceof LentPayload lent && lent.owner.holds > 0 && ucx.onProgressThread()
        && lent.length() == lent.owner.length) {
      // a received large payload sent on from its handler: send the received memory itself
      lent.owner.holds++;
      return submit(ch, type, lent.owner.memory.duplicate().clear().limit(lent.owner.length), false, lent.owner);
    }
    int size = payload == null ? 0 : payload.length();
    ByteBuffer copy = buffers.acquire(size);
    if (size > 0) {
      // BufferImpl.byteBuf() is the buffer itself; getByteBuf() would make a slice per send
      ByteBuf from = payload instanceof BufferImpl b ? b.byteBuf() : ((BufferInternal) payload).getByteBuf();
      from.getBytes(from.readerIndex(), copy);
      copy.flip();
    }
    return submit(ch, type, copy, true, null);
  }

  /**
   * Sends {@code payload} (a direct buffer, position to limit) without copying. The caller
   * must not touch it until the returned future completes.
   */
  public Future<Void> sendDirect(Channel<O> ch, int type, ByteBuffer payload) {
    if (!payload.isDirect()) {
      return Future.failedFuture(new IllegalArgumentException("user-managed payloads must be direct ByteBuffers"));
    }
    return submit(ch, type, payload, false, null);
  }

  private Future<Void> submit(Channel<O> ch, int type, ByteBuffer payload, boolean libraryOwned,
                              RendezvousReceive held) {
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
    Promise<Void> promise = caller.promise();
    SendEvent e = events.poll();
    if (e == null) {
      stats.eventsCreated.increment();
      e = new SendEvent();
    } else {
      stats.eventsReused.increment();
    }
    e.fill(type, payload, libraryOwned, promise);
    e.heldReceive = held;
    if (ucx.onProgressThread()) {
      hops.sendPosted();
      ch.submit(e);
    } else {
      SendEvent event = e;
      ucx.execute(() -> ch.submit(event));
    }
    return promise.future();
  }

  void finish(SendEvent e, Throwable error) {
    Promise<Void> promise = e.promise;
    if (error == null) {
      stats.sent.increment();
      stats.sentBytes.add(e.payloadSize);
      hops.sendCompleted();
    } else {
      stats.sendFailures.increment();
    }
    if (e.libraryOwnsPayload && e.payload != null) {
      buffers.release(e.payload);
    }
    if (e.heldReceive != null) {
      arrivals.releaseReceive(e.heldReceive);
      e.heldReceive = null;
    }
    e.payload = null;
    e.promise = null;
    e.channel = null;
    events.offer(e);
    if (error == null) {
      promise.tryComplete();
    } else {
      promise.tryFail(error);
    }
  }

  int maxInFlight() {
    return maxInFlight;
  }

  int maxQueued() {
    return maxQueued;
  }

  // ------------------------------------------------------------------ receiving (progress thread)

  /** In order, from {@link Channel#arrived}. {@code lentPayload}: reused after this returns. */
  void dispatch(Channel<O> ch, int type, long eventId, Buffer payload, boolean lentPayload) {
    if (EventTypes.isUserType(type)) {
      Routes routes = ch.routes();
      if (lentPayload) {
        hops.handlerEntered();
        delivery.arrived(routes, lent.set(type, routes.context, routes.contextId, ch.peerId(), ch.remoteRank(),
            eventId, payload), true);
        lent.set(0, null, null, -1, null, -1, null);
      } else {
        delivery.arrived(routes, new NotificationImpl(type, routes.context, routes.contextId, ch.peerId(),
            ch.remoteRank(), eventId, payload), false);
      }
      return;
    }
    BiConsumer<O, Notification> handler = internal.get(type);
    if (handler == null) {
      LOG.warn("no library handler for reserved type {} on {}", type, ch);
      return;
    }
    O owner = ch.owner();
    if (owner == null) {
      return; // the channel's peer is not set up yet: nothing can answer for it
    }
    handler.accept(owner, new NotificationImpl(type, ch.routes().context, ch.contextId(), ch.peerId(), ch.remoteRank(),
        eventId, lentPayload ? payload.copy() : payload));
  }

  /** Delivers a self-notification locally, on the progress thread: no UCX, no serialization. */
  public void deliverSelf(Routes routes, int type, RankInfo self, long eventId, Buffer payload) {
    stats.selfDelivered.increment();
    Notification n = new NotificationImpl(type, routes.context, routes.contextId, 0, self, eventId, payload);
    ucx.execute(() -> delivery.arrived(routes, n, false));
  }

  public NotifyStats stats() {
    return stats;
  }

  StatsCounters counters() {
    return stats;
  }

  /** Where each notification's time went (the bench's hop table); off unless asked for. */
  public Hop hops() {
    return hops;
  }

  public int pendingCount() {
    return delivery.pendingCount();
  }

  /** Sends UCX holds now, over all peers (a gauge: read racily from any thread). */
  public int inFlight() {
    int n = 0;
    for (Channel<?> ch : channels.snapshot()) {
      n += ch == null ? 0 : ch.inFlight();
    }
    return n;
  }

  /** Sends waiting for a flow-control slot, over all peers (a gauge). */
  public int queued() {
    int n = 0;
    for (Channel<?> ch : channels.snapshot()) {
      n += ch == null ? 0 : ch.queued();
    }
    return n;
  }

  public int channelCount() {
    return channels.size();
  }
}
