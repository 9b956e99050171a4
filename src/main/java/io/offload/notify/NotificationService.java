package io.offload.notify;

import io.offload.context.RankInfo;
import io.offload.ucx.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.netty.buffer.Unpooled;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpAmData;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucs.UcsConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Notifications of one engine: sends them as UCX active messages on a peer's {@link Channel},
 * receives them in the worker's active-message handler, restores per-sender order and hands
 * them to the library's own handlers (reserved types) or to event-bus consumers (user types).
 *
 * <p>Thread safety: {@code send*} from any thread; the rest runs on the progress thread.
 */
public final class NotificationService {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);

  /** Rendezvous payloads up to this size are received into a pooled buffer, then copied. */
  private static final int POOLED_RECEIVE_LIMIT = 64 * 1024;

  private final Vertx vertx;
  private final UcxRuntime ucx;
  private final int maxInFlight;
  private final int maxQueued;
  private final NotifyStats stats = new NotifyStats();
  private final BufferPool buffers = new BufferPool();
  private final ConcurrentLinkedQueue<SendEvent> events = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Channel> channels = new ConcurrentHashMap<>();
  private final Map<Integer, BiConsumer<Channel, Notification>> internal = new ConcurrentHashMap<>();
  private final AtomicInteger nextChannelId = new AtomicInteger(1);
  private final Delivery delivery;

  public NotificationService(Vertx vertx, String engineId, UcxRuntime ucx, int maxInFlight, int maxQueued,
                             int maxPending) {
    this.vertx = vertx;
    this.ucx = ucx;
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
    this.delivery = new Delivery(vertx, engineId, maxPending, stats);
  }

  /** Registers the active-message handler. Progress thread only, before any peer exists. */
  public void start() {
    ContextInternal context = ucx.context();
    ucx.setAmHandler(AmHeader.AM_ID, (headerAddress, headerLength, data, replyEp) -> {
      // Run inside the progress context so event-bus sends reuse it (shared/README §1).
      context.dispatch(() -> onActiveMessage(headerAddress, headerLength, data));
      return UcsConstants.STATUS.UCS_OK;
    });
  }

  /** A channel for a new peer; its id goes to the peer during bootstrap. */
  public Channel newChannel(String contextId, int peerId) {
    Channel ch = new Channel(this, nextChannelId.getAndIncrement(), contextId, peerId);
    channels.put(ch.id(), ch);
    return ch;
  }

  /**
   * Fails the channel's sends, forgets it and closes its endpoint (forced when the peer is
   * gone). Runs on the progress thread; the future completes once the endpoint is closed.
   */
  public Future<Void> closeChannel(Channel ch, String reason, boolean peerGone) {
    return ucx.call(() -> {
      ch.fail(reason);
      channels.remove(ch.id());
      UcpEndpoint ep = ch.endpoint();
      return ep;
    }).compose(ep -> ep == null ? Future.succeededFuture() : ucx.call(() -> ucx.closeEndpoint(ep, peerGone)).compose(f -> f));
  }

  /** Handles reserved type {@code type} on the progress thread. */
  public void onInternal(int type, BiConsumer<Channel, Notification> handler) {
    internal.put(type, handler);
  }

  // ------------------------------------------------------------------ sending

  /** Sends a copy of {@code payload}; the caller may reuse its buffer at once. */
  public Future<Void> send(Channel ch, int type, Buffer payload) {
    int size = payload == null ? 0 : payload.length();
    ByteBuffer copy = buffers.acquire(size);
    if (size > 0) {
      copy.put(((BufferInternal) payload).getByteBuf().nioBuffer()).flip();
    }
    return submit(ch, type, copy, true);
  }

  /**
   * Sends {@code payload} (a direct buffer, position to limit) without copying. The caller
   * must not touch it until the returned future completes.
   */
  public Future<Void> sendDirect(Channel ch, int type, ByteBuffer payload) {
    if (!payload.isDirect()) {
      return Future.failedFuture(new IllegalArgumentException("user-managed payloads must be direct ByteBuffers"));
    }
    return submit(ch, type, payload, false);
  }

  private Future<Void> submit(Channel ch, int type, ByteBuffer payload, boolean libraryOwned) {
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
    if (ucx.onProgressThread()) {
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
    } else {
      stats.sendFailures.increment();
    }
    if (e.libraryOwnsPayload && e.payload != null) {
      buffers.release(e.payload);
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

  // ------------------------------------------------------------------ receiving

  private void onActiveMessage(long headerAddress, long headerLength, UcpAmData data) {
    if (headerLength != AmHeader.LENGTH) {
      stats.malformed.increment();
      LOG.warn("dropped an active message with a {}-byte header (expected {})", headerLength, AmHeader.LENGTH);
      return;
    }
    ByteBuffer h = UcxUtils.getByteBufferView(headerAddress, AmHeader.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    int dst = h.getInt(AmHeader.DST_CHANNEL_OFFSET);
    int type = h.getInt(AmHeader.TYPE_OFFSET);
    long eventId = h.getLong(AmHeader.EVENT_ID_OFFSET);
    long size = h.getLong(AmHeader.PAYLOAD_SIZE_OFFSET);
    Channel ch = channels.get(dst);
    if (ch == null) {
      stats.unknownChannel.increment();
      LOG.debug("dropped notification type {} for unknown channel {}", type, dst);
      return;
    }
    if (size != data.getLength() || size > Integer.MAX_VALUE) {
      stats.malformed.increment();
      LOG.warn("dropped notification on {}: header says {} bytes, UCX delivered {}", ch, size, data.getLength());
      return;
    }
    int length = (int) size;
    if (data.isDataValid()) {
      byte[] bytes = new byte[length];
      if (length > 0) {
        UcxUtils.getByteBufferView(data.getDataAddress(), length).get(bytes);
      }
      received(ch, type, eventId, Buffer.buffer(bytes));
      return;
    }
    // Rendezvous: pull the data into a buffer; order is restored by event id. Up to 64 KiB it
    // lands in a pooled direct buffer and is copied to the heap, as eager payloads are: a fresh
    // direct buffer per message cost an allocation, zeroing, page faults and a Cleaner, and a
    // System.gc() whenever direct memory ran out (benchmark: 64 KiB round trip halved). Larger
    // payloads keep a direct buffer of their own: there the heap copy did not pay off.
    boolean pooled = length <= POOLED_RECEIVE_LIMIT;
    ByteBuffer target = pooled ? buffers.acquire(length) : ByteBuffer.allocateDirect(length);
    UcpRequest unused = data.receive(UcxUtils.getAddress(target), new UcxCallback() {
      @Override
      public void onSuccess(UcpRequest request) {
        Buffer payload;
        if (pooled) {
          byte[] bytes = new byte[length];
          target.get(0, bytes);
          buffers.release(target);
          payload = Buffer.buffer(bytes);
        } else {
          payload = BufferInternal.buffer(Unpooled.wrappedBuffer(target));
        }
        ucx.context().dispatch(() -> received(ch, type, eventId, payload));
      }

      @Override
      public void onError(int status, String message) {
        if (pooled) {
          buffers.release(target);
        }
        stats.malformed.increment();
        LOG.error("receiving a {}-byte notification on {} failed: {} {}", length, ch, status, message);
      }
    });
  }

  private void received(Channel ch, int type, long eventId, Buffer payload) {
    stats.received.increment();
    stats.receivedBytes.add(payload.length());
    ch.arrived(type, eventId, payload);
  }

  /** In order, from {@link Channel#arrived}. */
  void dispatch(Channel ch, Notification n) {
    if (EventTypes.isUserType(n.type())) {
      delivery.deliver(n);
      return;
    }
    BiConsumer<Channel, Notification> handler = internal.get(n.type());
    if (handler == null) {
      LOG.warn("no library handler for reserved type {} on {}", n.type(), ch);
      return;
    }
    handler.accept(ch, n);
  }

  /** Delivers a self-notification locally: no UCX, no copy, no serialization. */
  public void deliverSelf(String contextId, int type, RankInfo self, long eventId, Buffer payload) {
    stats.selfDelivered.increment();
    delivery.deliver(new Notification(type, contextId, 0, self, eventId, payload));
  }

  public NotifyStats stats() {
    return stats;
  }

  public int pendingCount() {
    return delivery.pendingCount();
  }

  /** Sends UCX holds now, over all peers (a gauge: read racily from any thread). */
  public int inFlight() {
    int n = 0;
    for (Channel ch : channels.values()) {
      n += ch.inFlight();
    }
    return n;
  }

  /** Sends waiting for a flow-control slot, over all peers (a gauge). */
  public int queued() {
    int n = 0;
    for (Channel ch : channels.values()) {
      n += ch.queued();
    }
    return n;
  }

  public int channelCount() {
    return channels.size();
  }

  public void close() {
    delivery.close();
  }
}
