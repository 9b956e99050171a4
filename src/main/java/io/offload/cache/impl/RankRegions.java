package io.offload.cache.impl;

import io.offload.memory.PeerRegion;

import java.util.Optional;

/** Where the cache finds the regions ranks exposed to this process (the engine wires the memory service in). */
@FunctionalInterface
public interface RankRegions {

  /** Region {@code regionId} of rank {@code rank} of {@code groupId} (its bootstrap identity), while exposed here. */
  Optional<PeerRegion> find(int groupId, int rank, int regionId);
}
