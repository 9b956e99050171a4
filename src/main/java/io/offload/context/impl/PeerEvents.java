package io.offload.context.impl;

import io.offload.context.PhaseChange;

/**
 * What an engine hears from its contexts and their peers. The engine fans each event out to the
 * cache, the metrics and the phase address; the parts that raise them know only this interface.
 */
public interface PeerEvents {

  /** A peer moved to a new phase; {@code peerCreatedNanos} dates its start for the metrics. */
  void phaseChanged(PhaseChange change, long peerCreatedNanos);

  /** A peer reached BOOTSTRAP_DONE. */
  void ready(PeerImpl peer);

  /** A peer is gone for good (its connection failed or ended). */
  void lost(PeerImpl peer);

  /** A context finished closing; {@code change} is its final phase change. */
  void contextClosed(ContextImpl context, PhaseChange change);
}
