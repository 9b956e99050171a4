package io.offload.notify.impl;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.offload.notify.PayloadAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * A payload in the application's memory: a buffer from a consumer's {@link PayloadAllocator},
 * seen by the handler as an ordinary Vert.x buffer over it ({@link #view}: no copy, and equal to
 * any buffer of the same bytes), and given back exactly once ({@link #giveBack()}). The Netty buffer
 * under the view is this object, which is how a payload is recognised ({@link #of}). For a
 * rendezvous it also makes the UCX callback of the receive into it.
 *
 * <p>Thread safety: filled on the progress thread; released once, by whoever holds it last.
 */
final class AllocatedPayload extends UnpooledDirectByteBuf {

  private static final Logger LOG = LoggerFactory.getLogger(AllocatedPayload.class);

  final PayloadAllocator allocator;
  /** The buffer as the allocator returned it (its position and limit untouched). */
  final ByteBuffer memory;
  final long address;
  final int size;
  final Buffer view;
  private boolean released;
  // a rendezvous in progress: where to deliver it
  Channel<?> channel;
  int type;
  long eventId;

  private AllocatedPayload(PayloadAllocator allocator, ByteBuffer memory, int size) {
    super(UnpooledByteBufAllocator.DEFAULT, memory.slice(memory.position(), size), Math.max(size, 1));
    setIndex(0, size);
    this.allocator = allocator;
    this.memory = memory;
    this.size = size;
    this.address = UcxUtils.getAddress(memory); // of its position already
    this.view = BufferInternal.buffer(this);
  }

  /** The application memory under {@code payload}, or null for the library's memory. */
  static AllocatedPayload of(Buffer payload) {
    return payload instanceof BufferImpl b && b.byteBuf() instanceof AllocatedPayload a ? a : null;
  }

  /**
   * A buffer of {@code size} bytes from {@code allocator}, or null: the allocator gave none (or a
   * wrong one, given back at once), so the library's memory is used for this payload.
   */
  static AllocatedPayload allocate(PayloadAllocator allocator, int size) {
    ByteBuffer b;
    try {
      b = allocator.allocate(size);
    } catch (RuntimeException e) {
      LOG.error("the payload allocator failed for {} bytes; the library's memory is used", size, e);
      return null;
    }
    if (b == null) {
      return null;
    }
    if (!b.isDirect() || b.remaining() < size) {
      LOG.error("the payload allocator returned {} for {} bytes (a direct buffer with that much remaining is needed);"
          + " given back, the library's memory is used", b, size);
      giveBack(allocator, b);
      return null;
    }
    return new AllocatedPayload(allocator, b, size);
  }

  /** A copy of {@code payload} in a buffer from {@code allocator}, or null (see {@link #allocate}). */
  static AllocatedPayload copyOf(PayloadAllocator allocator, Buffer payload) {
    AllocatedPayload a = allocate(allocator, payload.length());
    if (a != null && payload.length() > 0) {
      a.view.setBuffer(0, payload);
    }
    return a;
  }

  /** Gives the buffer back to its allocator; later calls do nothing. */
  void giveBack() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
    }
    giveBack(allocator, memory);
  }

  /** Releases {@code payload} if it is application memory. */
  static void releaseIfAllocated(Buffer payload) {
    AllocatedPayload a = of(payload);
    if (a != null) {
      a.giveBack();
    }
  }

  private static void giveBack(PayloadAllocator allocator, ByteBuffer b) {
    try {
      allocator.release(b);
    } catch (RuntimeException e) {
      LOG.error("the payload allocator failed to take back {}", b, e);
    }
  }

  /** The UCX callback of a rendezvous receive into this memory. */
  UcxCallback receive(Arrivals<?> service, Channel<?> channel, int type, long eventId) {
    this.channel = channel;
    this.type = type;
    this.eventId = eventId;
    return new UcxCallback() {
      @Override
      public void onSuccess(UcpRequest request) {
        service.allocatedReceived(AllocatedPayload.this, null);
      }

      @Override
      public void onError(int status, String message) {
        service.allocatedReceived(AllocatedPayload.this, status + " " + message);
      }
    };
  }

  // Netty's reference count does not own the memory: the application's, given back by giveBack().
  @Override
  protected void deallocate() {
  }
}
