package io.offload.notify;

import io.offload.topology.RankInfo;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;

/**
 * An arriving notification, as handed to a {@link NotificationConsumer}'s handler.
 *
 * <p><b>Lent on the fast path.</b> A handler registered from {@code engine.ucxContext()} runs on
 * the UCX progress thread in the same pass as the arrival and is <em>lent</em> this object and
 * its payload for the duration of the call: both are reused for the next arrival. Keep
 * {@link #copy()} (or copy the payload) to use them later. A handler on any other Vert.x context
 * gets a notification of its own, which it may keep.
 *
 * <p>Thread safety: none; a notification belongs to the handler it is passed to.
 */
public interface Notification {

  /** Event type. */
  int type();

  /** The execution context it arrived on (the self context for self-notifications); reply through it. */
  Notifier context();

  /** Id of {@link #context()}. */
  String contextId();

  /** The sending peer within that context. */
  int peerId();

  /** The sender's rank info, when known. */
  RankInfo source();

  /** Sequence number of the event from that sender (0, 1, 2, ...). */
  long eventId();

  /** The payload: lent on the fast path (see the interface comment), owned otherwise. */
  Buffer payload();

  /**
   * The application's buffer the payload was received into, when its consumer has a
   * {@link PayloadAllocator}: the very buffer {@code allocate} returned, the payload from its
   * position on. Null for a payload in the library's memory (no allocator, or the allocator
   * returned none). Lent for the call: it goes back to the allocator after the handler returns.
   */
  default ByteBuffer payloadBuffer() {
    return null;
  }

  /** A copy of this notification and its payload that the caller owns. */
  Notification copy();
}
