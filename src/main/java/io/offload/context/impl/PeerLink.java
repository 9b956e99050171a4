package io.offload.context.impl;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** What runs a peer's connection (its bootstrap and liveness); the context asks it to end. */
public interface PeerLink {

  /** Ends the relationship cleanly: tell the peer, close the endpoint, then the socket. */
  Future<Void> terminate(String reason);

  /**
   * The peer's UCX probe arrived, on the progress thread; the link checks it (and moves to its
   * event loop) itself.
   */
  void onProbe(Buffer payload);
}
