package io.offload.notify.impl;

import io.offload.notify.Notification;

import io.offload.notify.Notifier;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * Where the notifications of one execution context go, by type: its own consumers, and the
 * arrivals kept while a type has no consumer at all. The engine-wide routes are an instance with
 * no context.
 *
 * <p>Thread safety: owned by the progress thread (see {@link Delivery}).
 */
public final class Routes {

  final Notifier context;
  final String contextId;
  final Int2ObjectHashMap<ConsumerImpl> consumers = new Int2ObjectHashMap<>();
  final Int2ObjectHashMap<ArrayDeque<Notification>> pending = new Int2ObjectHashMap<>();
  boolean closed;

  Routes(Notifier context, String contextId) {
    this.context = context;
    this.contextId = contextId;
  }

  @Override
  public String toString() {
    return contextId == null ? "engine-wide routes" : "routes of " + contextId;
  }
}
