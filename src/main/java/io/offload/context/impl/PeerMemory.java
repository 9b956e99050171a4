package io.offload.context.impl;

import io.offload.memory.ExposedRegion;
import io.offload.memory.PeerRegion;
import io.vertx.core.Future;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * What a context needs of the memory exposed between peers ({@code memory.impl} implements it):
 * the context finds the peer, this checks the rest and does the work.
 */
public interface PeerMemory {

  /** Exposes {@code memory} (direct, position to limit) to {@code peer}; see {@code ExecutionContext.expose}. */
  Future<ExposedRegion> expose(PeerImpl peer, ByteBuffer memory);

  /** Exposes {@code length} bytes at {@code address} to {@code peer}. */
  Future<ExposedRegion> expose(PeerImpl peer, long address, long length);

  /** Exposes {@code length} bytes UCX allocates to {@code peer}; see {@code ExecutionContext.exposeAllocated}. */
  Future<ExposedRegion> exposeAllocated(PeerImpl peer, long length);

  /** Region {@code regionId} that {@code peer} (null: none) exposed to this process, while exposed. */
  Optional<PeerRegion> peerRegion(PeerImpl peer, int regionId);

  /** Every region {@code peer} (null: none) exposes to this process, by id. */
  List<PeerRegion> peerRegions(PeerImpl peer);
}
