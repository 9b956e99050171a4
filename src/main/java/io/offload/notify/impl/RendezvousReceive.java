package io.offload.notify.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpRequest;

import java.nio.ByteBuffer;

/**
 * A rendezvous receive in progress: a direct buffer UCX pulls the payload into, and the header
 * fields to deliver it with. Pooled by {@link NotificationService} with its buffer and a Vert.x
 * view of it made once, so a large payload is received without a copy or an allocation, and the
 * same memory (whose UCX registration its cache keeps) is used again and again.
 *
 * <p>Thread safety: progress thread only.
 */
final class RendezvousReceive extends UcxCallback {

  private final Arrivals<?> service;
  final ByteBuffer memory;
  final long address;
  /** A Vert.x view of {@link #memory}, lent to the handler: no copy. */
  final LentPayload view;
  /** Who still uses the memory: the delivery, and sends made from it; back to the pool at 0. */
  int holds;
  private final ByteBuf viewBuf;
  Channel channel;
  int type;
  long eventId;
  int length;

  RendezvousReceive(Arrivals<?> service, int capacity) {
    this.service = service;
    this.memory = ByteBuffer.allocateDirect(Math.max(capacity, 1));
    this.address = UcxUtils.getAddress(memory);
    this.viewBuf = Unpooled.wrappedBuffer(memory);
    this.view = new LentPayload(viewBuf, this);
  }

  int capacity() {
    return memory.capacity();
  }

  void start(Channel channel, int type, long eventId, int length) {
    this.channel = channel;
    this.type = type;
    this.eventId = eventId;
    this.length = length;
    this.holds = 1;
    memory.clear().limit(length);
    viewBuf.setIndex(0, length);
  }

  @Override
  public void onSuccess(UcpRequest request) {
    service.rendezvousDone(this, null);
  }

  @Override
  public void onError(int status, String message) {
    service.rendezvousDone(this, status + " " + message);
  }
}
