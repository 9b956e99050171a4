package io.offload.notify;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;

/**
 * What sends and receives notifications: the notification half of an execution context, and what a
 * {@link Notification} answers through ({@link Notification#context()}). See
 * {@code io.offload.context.ExecutionContext} for the rules of each method.
 */
public interface Notifier {

  /** The context's id, unique within its engine. */
  String id();

  /** Sends {@code payload} as a notification of {@code type} to peer {@code peerId}; the future completes when UCX has sent it. */
  Future<Void> notify(int peerId, int type, Buffer payload);

  /** As {@link #notify(int, int, Buffer)} from a direct buffer the caller keeps unchanged until the future completes. */
  Future<Void> notifyDirect(int peerId, int type, ByteBuffer payload);

  /** Registers the consumer of notifications of {@code type} on this context. */
  NotificationConsumer consumer(int type, Handler<Notification> handler);

  /**
   * Registers the consumer of notifications of {@code type} on this context, whose payloads are
   * received into memory from {@code allocator} (see {@link PayloadAllocator}).
   */
  NotificationConsumer consumer(int type, PayloadAllocator allocator, Handler<Notification> handler);

  /** Whether the context is closed (a reply through it would fail). */
  boolean isClosed();
}
