package io.offload.ops;

import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.vertx.core.buffer.Buffer;

/**
 * One submitted operation, as its service process's {@link OperationHandler} sees it. The handler
 * ends it exactly once, with {@link #complete} or {@link #fail}; later calls are ignored. If the
 * submitting rank is lost first, ending it sends nothing ({@link #isDone()} is then true).
 *
 * <p>Thread safety: {@code complete}/{@code fail} from any thread (they run on the engine's UCX
 * context); the rest are immutable.
 */
public interface Operation {

  /** Its id, unique among the operations of its submitter's context. */
  long id();

  /** Its operation type. */
  int type();

  /** The server context it arrived on. */
  ExecutionContext context();

  /** The submitting peer within {@link #context()}. */
  int peerId();

  /** The submitter's rank info, as it bootstrapped. */
  RankInfo source();

  /** The arguments as submitted (owned by the handler). */
  Buffer args();

  /** Ends it successfully; {@code result} (may be empty) reaches the rank's future. */
  void complete(Buffer result);

  /** Ends it with a failure of {@code kind}; the rank's future fails with an {@link OperationException}. */
  void fail(OperationException.Kind kind, String reason);

  /** Ended (completed, failed, or its submitter lost). */
  boolean isDone();
}
