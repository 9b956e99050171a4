package io.offload.context;

/**
 * Where a relationship between two processes stands. The normal order is
 * {@code BOOTSTRAP_NOT_INITIATED → OOB_CONNECT_DONE → UCX_CONNECT_DONE → BOOTSTRAP_DONE};
 * {@code DISCONNECTED} is final (peer lost, terminated, or context closed).
 */
public enum BootstrapPhase {
  /** Nothing exchanged yet (a server with no peer, a client still connecting). */
  BOOTSTRAP_NOT_INITIATED,
  /** The out-of-band handshake is done: both sides know each other's rank info and worker address. */
  OOB_CONNECT_DONE,
  /** This side created its UCX endpoint to the peer. */
  UCX_CONNECT_DONE,
  /** Both sides proved the UCX path works in both directions; notifications can flow. */
  BOOTSTRAP_DONE,
  /** The peer left, was lost, or the context was closed. Final. */
  DISCONNECTED,
  /** The phase cannot be told (for example an unknown peer id). */
  UNKNOWN;

  /** True once the relationship can carry notifications. */
  public boolean isReady() {
    return this == BOOTSTRAP_DONE;
  }
}
