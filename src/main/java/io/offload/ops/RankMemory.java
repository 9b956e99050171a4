package io.offload.ops;

import io.vertx.core.Future;

import java.nio.ByteBuffer;

/**
 * A rank's direct buffer registered with UCX ({@link Operations#expose}), so that its service
 * process can read and write it one-sided while an operation runs. Keep it open until every
 * operation using it has completed; register once and reuse (registration costs).
 *
 * <p>Thread safety: immutable but for {@link #close()}, which may be called from any thread.
 */
public interface RankMemory {

  /** The registered buffer (position 0, the whole capacity). */
  ByteBuffer buffer();

  /** Its length in bytes. */
  int length();

  /** Deregisters the memory; idempotent. Operations still using it fail or read garbage: end them first. */
  Future<Void> close();
}
