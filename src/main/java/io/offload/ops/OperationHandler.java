package io.offload.ops;

import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.vertx.core.buffer.Buffer;

/**
 * What a service process does with operations of one type ({@link Operations#register}).
 * Every method runs on the engine's UCX context ({@code engine.ucxContext()}), so the handler
 * may issue UCX operations on peers' endpoints directly, and must never block.
 */
public interface OperationHandler {

  /** An operation arrived. End it, now or later, with {@link Operation#complete} or {@link Operation#fail}. */
  void handle(Operation op);

  /**
   * A rank linked to this service process (peer {@code peerId} of {@code context}) was lost; its
   * operations still in flight are already done (nothing can reach it). {@code rank} is its
   * bootstrap identity (may be null).
   */
  default void rankLost(ExecutionContext context, int peerId, RankInfo rank, String reason) {
  }

  /** Service process {@code serviceProcessId} of the mesh was lost. */
  default void serviceProcessLost(int serviceProcessId, String reason) {
  }

  /** A message from this handler's counterpart on service process {@code fromServiceProcess} ({@link Operations#sendToServiceProcess}). */
  default void meshMessage(int fromServiceProcess, Buffer message) {
  }
}
