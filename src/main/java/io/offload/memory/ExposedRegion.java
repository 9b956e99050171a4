package io.offload.memory;

import io.vertx.core.Future;

import java.nio.ByteBuffer;

/**
 * A region of this process's memory registered with UCX and published to one peer of an
 * execution context (a rank's to its service process, typically), from
 * {@code ExecutionContext.expose}. The peer reaches it with one-sided put/get until it is
 * withdrawn.
 *
 * <p>Ending an exposure, in this order: {@link #withdraw()} tells the peer; the peer refuses every
 * later access, waits for its accesses in flight, destroys its remote key and confirms; only then
 * is the memory deregistered and the future completed. Free or reuse the memory after that, not
 * before. Losing the peer (or closing the context or the engine) releases the region too:
 * {@link #withdrawn()} then completes as well.
 *
 * <p>Thread safety: all methods may be called from any thread; futures complete on the caller's
 * Vert.x context.
 */
public interface ExposedRegion {

  /** Id of the region, unique within this engine (from 1); the peer finds the region by it. */
  int id();

  /** Id of the execution context it was exposed on. */
  String contextId();

  /** The peer it was exposed to, within that context. */
  int peerId();

  /** Virtual address of the region in this process. */
  long address();

  /** Length of the region in bytes. */
  long length();

  /**
   * The region's memory: the exposed slice of the buffer it was exposed from (position 0, limit
   * and capacity {@link #length()}), or a view of {@code address..address+length} for a region
   * exposed by address. Regions longer than {@code Integer.MAX_VALUE} have no view:
   * {@code UnsupportedOperationException}.
   */
  ByteBuffer buffer();

  /** Whether the region is withdrawn (or released because its peer or context went). */
  boolean isWithdrawn();

  /**
   * Withdraws the region: completes once the peer has stopped using it and the memory is
   * deregistered (at once when the peer is gone). Idempotent: later calls return the same future.
   * Fails only if the deregistration fails.
   */
  Future<Void> withdraw();

  /** Completes when the region is withdrawn, whoever ended it (a {@link #withdraw()}, a lost peer, a close). */
  Future<Void> withdrawn();
}
