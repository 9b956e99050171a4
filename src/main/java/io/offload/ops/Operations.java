package io.offload.ops;

import io.offload.context.ExecutionContext;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * An engine's offloaded operations ({@code engine.operations()}).
 *
 * <p><b>On a service process</b>, {@link #register} installs the handler of an operation type;
 * {@link #serveCollectives} installs the library's collectives. Handlers coordinate with their
 * counterparts on other service processes through {@link #sendToServiceProcess} (over the mesh).
 *
 * <p><b>On a rank</b>, {@link #submit} sends an operation to the service process at the other end
 * of a client context; the future completes with the handler's result once its completion
 * notification arrives, or fails with an {@link OperationException}: the handler failed it, no
 * handler is registered, the service process was lost ({@code SERVICE_PROCESS_LOST}), or the
 * engine closed. Any number may be in flight, each with its own id.
 *
 * <p>Meters (in {@code engine.meterRegistry()}, tagged {@code engine}, {@code type} and
 * {@code side=rank|service}): {@code offload.operations.started}, {@code .completed},
 * {@code .failed}, {@code .duration} (submission to completion on a rank, arrival to end on a
 * service process), gauge {@code offload.operations.in.flight}.
 *
 * <p>Thread safety: every method from any thread; futures complete on the caller's Vert.x context.
 */
public interface Operations {

  /**
   * Submits an operation of {@code type} with {@code args} (copied) to the server of
   * {@code context} (a client context, its peer 0).
   */
  Future<Buffer> submit(ExecutionContext context, int type, Buffer args);

  /** The offloaded collectives of this rank, through {@code context} (its client context to its service process). */
  Collectives collectives(ExecutionContext context);

  /**
   * Installs the handler of {@code type} on this service process (it then serves every context's
   * submissions of that type). One handler per type.
   *
   * @throws IllegalStateException if {@code type} already has one
   */
  void register(int type, OperationHandler handler);

  /** Installs the library's collectives ({@link OperationTypes#ALLTOALLV}, {@link OperationTypes#ALLGATHER}). */
  void serveCollectives(CollectiveOptions options);

  /**
   * Sends {@code message} (copied) to the handler of {@code type} on service process
   * {@code serviceProcessId}, over the mesh link the group cache holds for it; it arrives in
   * {@link OperationHandler#meshMessage}. Messages to one service process arrive in order.
   */
  Future<Void> sendToServiceProcess(int serviceProcessId, int type, Buffer message);

  /** Operations in flight here: submitted and not ended (a rank), or arrived and not ended (a service process). */
  int inFlight();
}
