package io.offload.notify.impl;

import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.offload.notify.PayloadAllocator;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

/**
 * A consumer and the Vert.x context its handler runs on. On the progress thread's own context the
 * handler is called inline with the lent notification; on any other it gets a copy, queued on
 * its context.
 */
final class ConsumerImpl implements NotificationConsumer {

  final int type;
  final Handler<Notification> handler;
  /** Where its payloads are received, or null: the library's memory. */
  final PayloadAllocator allocator;
  final ContextInternal owner;
  /** The context's routes, or null for an engine-wide consumer. */
  final Routes routes;
  final boolean inline;
  final Promise<Void> registered;
  private final Delivery delivery;
  private Future<Void> unregistered;

  ConsumerImpl(Delivery delivery, Routes routes, int type, PayloadAllocator allocator, Handler<Notification> handler,
               ContextInternal owner, boolean inline) {
    this.delivery = delivery;
    this.allocator = allocator;
    this.routes = routes;
    this.type = type;
    this.handler = handler;
    this.owner = owner;
    this.inline = inline;
    this.registered = owner.promise();
  }

  /**
   * Progress thread: hands {@code n} over; {@code lent} when it is the reused instance. A payload
   * in application memory goes back to its allocator after the handler; one in the library's
   * memory for a consumer with an allocator (kept from before it registered, a self-notification)
   * is copied into the allocator's memory first.
   */
  void deliver(Notification n, boolean lent) {
    AllocatedPayload own = AllocatedPayload.of(n.payload());
    if (own == null && allocator != null) {
      own = AllocatedPayload.copyOf(allocator, n.payload());
      if (own != null) {
        n = new NotificationImpl(n.type(), n.context(), n.contextId(), n.peerId(), n.source(), n.eventId(), own.view);
        lent = false;
      }
    }
    if (own == null) {
      if (inline) {
        call(n);
      } else {
        owner.execute(lent ? n.copy() : n, handler);
      }
      return;
    }
    AllocatedPayload payload = own;
    if (inline) {
      try {
        call(n);
      } finally {
        payload.giveBack();
      }
    } else {
      owner.execute(n, m -> {
        try {
          handler.handle(m);
        } finally {
          payload.giveBack();
        }
      });
    }
  }

  private void call(Notification n) {
    try {
      handler.handle(n);
    } catch (Throwable t) {
      owner.reportException(t);
    }
  }

  @Override
  public int type() {
    return type;
  }

  @Override
  public Future<Void> completion() {
    return registered.future();
  }

  @Override
  public synchronized Future<Void> unregister() {
    if (unregistered == null) {
      unregistered = delivery.uninstall(this);
    }
    return unregistered;
  }
}
