package io.offload.memory;

import io.vertx.core.Future;

import java.nio.ByteBuffer;

/**
 * A region a peer exposed to this process ({@link ExposedRegion} on its side), with one-sided
 * {@link #put}/{@link #get} on it. A service process finds the regions of its ranks with
 * {@code GroupCache.rankRegion(groupId, rank, regionId)} or
 * {@code ExecutionContext.peerRegion(peerId, regionId)}.
 *
 * <p>Once the owner withdraws the region (or is lost, or the context closes) every access fails
 * with a {@link RegionWithdrawnException}: checked before each UCX call on the progress thread,
 * and the owner frees its memory only after this side confirmed, once the accesses already in
 * flight have completed. A withdrawn region is gone from the lookups.
 *
 * <p>Thread safety: all methods may be called from any thread; the operations run on the
 * engine's UCX progress thread and their futures complete on the caller's Vert.x context.
 */
public interface PeerRegion {

  /** The owner's id of the region ({@link ExposedRegion#id()}). */
  int id();

  /** Id of the execution context the owner is a peer of, here. */
  String contextId();

  /** The owner's peer id within that context. */
  int peerId();

  /** The owner's group id, as it told at bootstrap; -1 when unknown. */
  int groupId();

  /** The owner's rank in that group, as it told at bootstrap; -1 when unknown. */
  int rank();

  /** Virtual address of the region in the owner's process. */
  long address();

  /** Length of the region in bytes. */
  long length();

  /** Whether the region is withdrawn, or lost with its owner: every access then fails. */
  boolean isWithdrawn();

  /**
   * Writes {@code source} (a direct buffer, position to limit; untouched until the future
   * completes) at {@code offset} of the region. Completes once the bytes are in place in the
   * owner's memory (put, then flush). Fails with {@link RegionWithdrawnException} when the region
   * is withdrawn, or with an {@code IllegalStateException} naming the UCX status.
   *
   * @throws IllegalArgumentException for a heap buffer or a range outside the region
   */
  Future<Void> put(long offset, ByteBuffer source);

  /**
   * Reads {@code target.remaining()} bytes at {@code offset} of the region into {@code target} (a
   * direct buffer, filled from its position; untouched until the future completes). Fails as
   * {@link #put} does.
   *
   * @throws IllegalArgumentException for a heap buffer or a range outside the region
   */
  Future<Void> get(long offset, ByteBuffer target);
}
