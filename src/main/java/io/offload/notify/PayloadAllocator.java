package io.offload.notify;

import java.nio.ByteBuffer;

/**
 * The application's memory for the payloads of one notification type (the C original's
 * {@code get_buf} / {@code return_buf} pools), given with
 * {@code consumer(type, allocator, handler)}. Each payload of that type is received straight into
 * a buffer {@link #allocate} returned: a small one copied there from UCX's eager buffer, a large
 * one pulled there by UCX rendezvous, without a copy. The handler sees it as
 * {@link Notification#payload()} and the buffer itself as {@link Notification#payloadBuffer()};
 * afterwards the buffer goes back through {@link #release}. Without an allocator the library's own
 * pool is used (the default).
 *
 * <p>Every buffer {@code allocate} returns is released exactly once: after the handler returned,
 * or when the notification is dropped instead (its context closed, a duplicate, the pending store
 * full). A payload that arrived before the consumer registered (or a self-notification) is copied
 * into an allocated buffer when it is handed over.
 *
 * <p>Thread safety: {@code allocate} is called on the engine's UCX progress thread and must not
 * block. {@code release} is called on that thread too, or, for a consumer registered on another
 * Vert.x context, on that context's thread after the handler: then both must be safe to call from
 * two threads.
 */
public interface PayloadAllocator {

  /**
   * A direct buffer with at least {@code size} bytes remaining (the payload goes at its position;
   * the library never changes its position or limit), or null to let the library use its own
   * memory for this one. A heap buffer or a smaller one is given back through {@link #release} at
   * once, logged, and the library's memory used instead.
   *
   * @param size the payload's length in bytes, 0 included
   */
  ByteBuffer allocate(int size);

  /** Takes back a buffer {@link #allocate} returned, once the library and the handler are done with it. */
  void release(ByteBuffer buffer);
}
