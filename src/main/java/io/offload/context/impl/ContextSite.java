package io.offload.context.impl;

import io.offload.topology.RankInfo;
import io.vertx.core.Vertx;

/**
 * Where a context lives: its engine's id, Vert.x, rank, transport, who hears its peers' events, and
 * the memory its peers expose to each other.
 */
public record ContextSite(String engineId, Vertx vertx, RankInfo selfRank, Transport transport, PeerEvents events,
                          PeerMemory memory) {
}
