package io.offload.notify.impl;

import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;

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
  final ContextInternal owner;
  /** The context's routes, or null for an engine-wide consumer. */
  final Routes routes;
  final boolean inline;
  final Promise<Void> registered;
  private final Delivery delivery;
  private Future<Void> unregistered;

  ConsumerImpl(Delivery delivery, Routes routes, int type, Handler<Notification> handler, ContextInternal owner,
               boolean inline) {
    this.delivery = delivery;
    this.routes = routes;
    this.type = type;
    this.handler = handler;
    this.owner = owner;
    this.inline = inline;
    this.registered = owner.promise();
  }

  /** Progress thread: hands {@code n} over; {@code lent} when it is the reused instance. */
  void deliver(Notification n, boolean lent) {
    if (inline) {
      try {
        handler.handle(n);
      } catch (Throwable t) {
        owner.reportException(t);
      }
    } else {
      owner.execute(lent ? n.copy() : n, handler);
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
