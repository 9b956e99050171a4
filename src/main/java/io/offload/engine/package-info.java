/**
 * The engine (API): one per process role. {@link io.offload.engine.OffloadEngine} owns the UCX
 * context and worker, the progress thread (or runs caller-driven), the self context, every server
 * and client context and the group cache; {@code close()} finalizes them in order.
 * {@link io.offload.engine.EngineOptions} holds its limits. The implementation
 * ({@code io.offload.engine.impl}) is the composition root: the one place that wires the parts,
 * found through {@link io.offload.engine.EngineFactory}.
 */
package io.offload.engine;
