/**
 * Memory one process exposes to a peer for one-sided access: a rank registers a region of its
 * own memory and publishes its UCX remote key to its service process through the execution
 * context ({@code ExecutionContext.expose}); the service process finds it
 * ({@code GroupCache.rankRegion}, {@code ExecutionContext.peerRegion}) and puts/gets on it. The
 * opposite direction (a service process's region, ranks' access) is
 * {@code GroupCache.exposeMemory} and {@code Handle.put/get}.
 *
 * <ul>
 *   <li>{@link io.offload.memory.ExposedRegion}: the exposing side's region; {@code withdraw()}
 *       ends the exposure (the peer stops first, then the memory is deregistered).</li>
 *   <li>{@link io.offload.memory.PeerRegion}: the region as the peer sees it, with
 *       {@code put}/{@code get}.</li>
 *   <li>{@link io.offload.memory.RegionWithdrawnException}: what an access to a withdrawn (or
 *       lost) region fails with.</li>
 * </ul>
 *
 * <p>A leaf package: it imports nothing of this project, so the context and cache APIs use it
 * without an import cycle.
 */
package io.offload.memory;
