package io.offload.context;

/**
 * How a peer left (its phase became {@link BootstrapPhase#DISCONNECTED}): what a service
 * process needs to tell a rank that finished from one that died.
 */
public enum Departure {
  /** The peer finalized: its termination ({@code TERM}) arrived before its connection closed. */
  FINALIZED,
  /** This side ended the relationship: it closed the context or engine, or refused the peer. */
  CLOSED,
  /**
   * The peer was lost: its connection closed or failed without a termination, it went silent
   * past the heartbeat timeout, or it refused this side.
   */
  LOST
}
