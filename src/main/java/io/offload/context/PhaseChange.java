package io.offload.context;

import io.offload.topology.RankInfo;

/**
 * Event-bus body published on {@code offload.<engine>.phase} each time a peer (or a whole
 * context) changes phase. Peer loss shows as a change to {@link BootstrapPhase#DISCONNECTED}.
 *
 * @param engineId  the engine that saw the change
 * @param contextId the execution context
 * @param role      role of that context
 * @param peerId    the peer, or -1 for the context itself
 * @param rankInfo  the peer's rank info when known, else null
 * @param from      previous phase
 * @param to        new phase
 * @param reason    why, for DISCONNECTED (else null)
 * @param departure how the peer left, for a peer's DISCONNECTED (else null; null also for the
 *                  context's own change, {@code peerId} -1)
 */
public record PhaseChange(String engineId, String contextId, Role role, int peerId, RankInfo rankInfo,
                          BootstrapPhase from, BootstrapPhase to, String reason, Departure departure) {
}
