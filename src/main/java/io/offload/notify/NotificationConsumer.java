package io.offload.notify;

import io.vertx.core.Future;

/**
 * A registered handler of one notification type, on one execution context or engine-wide (from
 * {@code ExecutionContext.consumer} / {@code OffloadEngine.consumer}). The handler runs on the
 * Vert.x context that registered it. Where a notification goes is decided when consumers register
 * and unregister, never per message: the context's own consumer of the type, else the engine-wide
 * one, else it is kept (bounded) until one registers.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
public interface NotificationConsumer {

  /** The event type it handles. */
  int type();

  /**
   * Completes once the consumer is in place (notifications kept for it are then already handed
   * to it, in order), or fails when another consumer already handles this type there.
   */
  Future<Void> completion();

  /** Removes the consumer; later arrivals go to the engine-wide consumer, or are kept. */
  Future<Void> unregister();
}
