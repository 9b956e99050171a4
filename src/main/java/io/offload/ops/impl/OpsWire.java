package io.offload.ops.impl;

import io.offload.context.ExecutionContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * What the operations need from the engine's messaging, and nothing more: library notification
 * types in and out, the UCX context, and who this process is. The engine (the composition root)
 * implements it.
 */
public interface OpsWire {

  /** A library notification of one type, on the UCX progress thread; the payload is the receiver's. */
  interface Receiver {
    void onMessage(ExecutionContext context, int peerId, Buffer payload);
  }

  /** Installs the receiver of library type {@code type}. Before any peer exists. */
  void onMessage(int type, Receiver receiver);

  /**
   * Sends library type {@code type} with a copy of {@code payload} to peer {@code peerId} of
   * {@code context}; fails (never throws) if the peer is unknown, not bootstrapped or lost.
   */
  Future<Void> send(ExecutionContext context, int peerId, int type, Buffer payload);

  /** The engine's UCX context (its progress thread, or the caller-driven thread). */
  Context ucxContext();

  /** Global id of the service process this engine is, or -1. */
  int serviceProcessId();

  /**
   * UCX thread: the progress thread sleeps at its next idle pass instead of spinning for its
   * window (nothing to do until a completion milliseconds away). No effect when caller-driven.
   */
  void restAtNextIdle();
}
