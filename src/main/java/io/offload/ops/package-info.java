/**
 * Offloaded operations: a rank hands work to its service process and waits on a {@code Future}
 * while its CPU stays free.
 *
 * <ul>
 *   <li>{@link io.offload.ops.Operations} ({@code engine.operations()}): a service process
 *       {@linkplain io.offload.ops.Operations#register registers} an {@link io.offload.ops.OperationHandler}
 *       per operation type; a rank {@linkplain io.offload.ops.Operations#submit submits} an operation
 *       (type + arguments) through its execution context and gets a future that the service
 *       process's completion completes. Many may be in flight; a lost rank or service process fails
 *       them with an {@link io.offload.ops.OperationException} saying why.</li>
 *   <li>{@link io.offload.ops.Collectives}: the collectives built on that framework, an alltoallv
 *       and an allgather, moved from rank to rank by the service processes that serve the group
 *       (coordinating over the mesh for ranks served elsewhere), between the ranks' buffers
 *       exposed to their service processes ({@code ExecutionContext.expose}, an
 *       {@link io.offload.memory.ExposedRegion}).</li>
 * </ul>
 */
package io.offload.ops;
