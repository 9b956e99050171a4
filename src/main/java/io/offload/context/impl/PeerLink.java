package io.offload.context.impl;

import io.vertx.core.Future;

/** What runs a peer's connection (its bootstrap and liveness); the context asks it to end. */
public interface PeerLink {

  /** Ends the relationship cleanly: tell the peer, close the endpoint, then the socket. */
  Future<Void> terminate(String reason);
}
