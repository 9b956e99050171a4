package io.offload.notify.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.offload.notify.EventTypes;
import io.offload.notify.PayloadAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.agrona.concurrent.UnsafeBuffer;
import org.openucx.jucx.ucp.UcpAmData;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucs.UcsConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * The arrival path of one engine's notifications, from UCX's active-message callback to the
 * channel that puts them in order: the header read through a flyweight, eager payloads copied
 * into one reused buffer (lent), rendezvous payloads pulled into pooled registered buffers, and
 * payloads of a consumer with an allocator received into the application's memory.
 *
 * <p>Thread safety: the progress thread only.
 */
final class Arrivals<O> {

  private static final Logger LOG = LoggerFactory.getLogger(Arrivals.class);
  /** Rendezvous receive buffers kept per power-of-two size class, at least (see {@link #KEPT_RECEIVE_BYTES}). */
  private static final int RECEIVES_KEPT_PER_CLASS = 4;
  /**
   * Beyond {@link #RECEIVES_KEPT_PER_CLASS} per class, buffers are kept while all kept ones take at
   * most this much: a stream of 64 KiB notifications has a window's worth receiving at once, and
   * with 4 kept every other one was a new direct buffer (4,096 made in one benchmark run, and the
   * JVM's direct-memory limit then forced full GCs).
   */
  static final long KEPT_RECEIVE_BYTES = 16L << 20;
  /** Receive buffers above this size are not pooled. */
  private static final int MAX_POOLED_RECEIVE = 16 << 20;

  private final ChannelTable<O> channels;
  private final Delivery delivery;
  private final StatsCounters stats;
  private final Hop hops;
  // Reused for every arrival: nothing allocated per message.
  private final AmHeader header = new AmHeader();
  private final UnsafeBuffer eagerData = new UnsafeBuffer(new byte[0]);
  private final ByteBuf lentPayloadBuf = Unpooled.buffer(4096);
  private final Buffer lentPayload = BufferInternal.buffer(lentPayloadBuf);
  @SuppressWarnings("unchecked")
  private final ArrayDeque<RendezvousReceive>[] receives = new ArrayDeque[32];
  /** Bytes of the receive buffers in {@link #receives}. */
  private long keptBytes;

  Arrivals(ChannelTable<O> channels, Delivery delivery, StatsCounters stats, Hop hops) {
    this.channels = channels;
    this.delivery = delivery;
    this.stats = stats;
    this.hops = hops;
  }

  int onActiveMessage(long headerAddress, long headerLength, UcpAmData data, UcpEndpoint replyEp) {
    hops.arrived();
    if (headerLength != AmHeader.LENGTH) {
      stats.malformed.increment();
      LOG.warn("dropped an active message with a {}-byte header (expected {})", headerLength, AmHeader.LENGTH);
      return UcsConstants.STATUS.UCS_OK;
    }
    AmHeader h = header.wrap(headerAddress);
    int type = h.type();
    long eventId = h.eventId();
    long size = h.payloadSize();
    Channel<O> ch = channels.get(h.dstChannel());
    if (ch == null) {
      stats.unknownChannel.increment();
      LOG.debug("dropped notification type {} for unknown channel {}", type, h.dstChannel());
      return UcsConstants.STATUS.UCS_OK;
    }
    if (size != data.getLength() || size > Integer.MAX_VALUE) {
      stats.malformed.increment();
      LOG.warn("dropped notification on {}: header says {} bytes, UCX delivered {}", ch, size, data.getLength());
      return UcsConstants.STATUS.UCS_OK;
    }
    int length = (int) size;
    PayloadAllocator allocator = EventTypes.isUserType(type) ? delivery.allocatorFor(ch.routes(), type) : null;
    if (allocator != null && receiveInto(allocator, ch, type, eventId, length, data)) {
      return UcsConstants.STATUS.UCS_OK;
    }
    if (data.isDataValid()) {
      lentPayloadBuf.clear().ensureWritable(length);
      if (length > 0) {
        eagerData.wrap(data.getDataAddress(), length);
        eagerData.getBytes(0, lentPayloadBuf.array(), lentPayloadBuf.arrayOffset(), length);
      }
      lentPayloadBuf.writerIndex(length);
      received(ch, type, eventId, lentPayload, true);
      return UcsConstants.STATUS.UCS_OK;
    }
    // Rendezvous: UCX pulls the data into a pooled direct buffer, lent to the handler as it is.
    RendezvousReceive r = acquireReceive(length);
    r.start(ch, type, eventId, length);
    data.receive(r.address, r);
    return UcsConstants.STATUS.UCS_OK;
  }

  /**
   * Receives a payload straight into the application's memory: copied from UCX's eager buffer, or
   * pulled there by rendezvous. False when the allocator gave no buffer (the library's memory then).
   */
  private boolean receiveInto(PayloadAllocator allocator, Channel<O> ch, int type, long eventId, int length,
                              UcpAmData data) {
    AllocatedPayload p = AllocatedPayload.allocate(allocator, length);
    if (p == null) {
      return false;
    }
    if (data.isDataValid()) {
      if (length > 0) {
        eagerData.wrap(data.getDataAddress(), length);
        eagerData.getBytes(0, p.memory, p.memory.position(), length);
      }
      received(ch, type, eventId, p.view, false);
    } else {
      data.receive(p.address, p.receive(this, ch, type, eventId));
    }
    return true;
  }

  /** A rendezvous into application memory is done. */
  @SuppressWarnings("unchecked")
  void allocatedReceived(AllocatedPayload p, String error) {
    Channel<O> ch = (Channel<O>) p.channel; // set by receiveInto, from this service's channels
    p.channel = null;
    if (error == null) {
      received(ch, p.type, p.eventId, p.view, false);
    } else {
      stats.malformed.increment();
      LOG.error("receiving a {}-byte notification into application memory on {} failed: {}", p.size, ch, error);
      p.giveBack();
    }
  }

  private RendezvousReceive acquireReceive(int length) {
    int cls = 32 - Integer.numberOfLeadingZeros(Math.max(length, 1) - 1);
    boolean pooled = length <= MAX_POOLED_RECEIVE;
    ArrayDeque<RendezvousReceive> pool = pooled ? receives[cls] : null;
    RendezvousReceive r = pool == null ? null : pool.poll();
    if (r != null) {
      keptBytes -= r.capacity();
      return r;
    }
    stats.receiveBuffersMade.increment();
    return new RendezvousReceive(this, pooled ? 1 << cls : length);
  }

  void rendezvousDone(RendezvousReceive r, String error) {
    try {
      if (error == null) {
        received(r.channel, r.type, r.eventId, r.view, true);
      } else {
        stats.malformed.increment();
        LOG.error("receiving a {}-byte notification on {} failed: {}", r.length, r.channel, error);
      }
    } finally {
      r.channel = null;
      releaseReceive(r);
    }
  }

  /** One user of a receive buffer is done with it; the last one gives it back to the pool. */
  void releaseReceive(RendezvousReceive r) {
    if (--r.holds > 0) {
      return;
    }
    int cls = Integer.numberOfTrailingZeros(r.capacity());
    if (r.capacity() <= MAX_POOLED_RECEIVE && Integer.bitCount(r.capacity()) == 1) {
      ArrayDeque<RendezvousReceive> pool = receives[cls];
      if (pool == null) {
        pool = receives[cls] = new ArrayDeque<>(RECEIVES_KEPT_PER_CLASS);
      }
      if (pool.size() < RECEIVES_KEPT_PER_CLASS || keptBytes + r.capacity() <= KEPT_RECEIVE_BYTES) {
        pool.add(r);
        keptBytes += r.capacity();
      }
    }
  }

  private void received(Channel<O> ch, int type, long eventId, Buffer payload, boolean lentPayload) {
    stats.received.increment();
    stats.receivedBytes.add(payload.length());
    ch.arrived(type, eventId, payload, lentPayload);
  }
}
