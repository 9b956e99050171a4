package io.offload.cache;

import io.offload.context.ExecutionContext;
import io.offload.context.Peer;
import io.vertx.core.Future;
import org.openucx.jucx.ucp.UcpEndpoint;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * How to reach one service process: the execution context and peer that link this process to
 * it, the UCX endpoint, and the memory region it published (if any), with one-sided
 * {@link #put}/{@link #get} on that region.
 *
 * <p>A rank holds a handle for its own service process; a service process holds one for every
 * other service process of the mesh. Made by the library.
 *
 * <p>Immutable; thread safe. The futures complete on the caller's Vert.x context.
 */
public interface Handle {

  /** Global id of the service process. */
  int serviceProcessId();

  /** The execution context linking to the service process (a client, or a server of the mesh). */
  ExecutionContext context();

  /** The service process's peer id within {@link #context()}. */
  int peerId();

  /** The service process as a peer of {@link #context()}. */
  Peer peer();

  /**
   * The UCX endpoint to the service process. JUCX calls on it must run on the engine's UCX
   * context ({@code OffloadEngine.ucxContext()}).
   *
   * @throws IllegalStateException when the link is gone
   */
  UcpEndpoint endpoint();

  /** The region the service process published, if it did. */
  Optional<RemoteRegion> region();

  /**
   * Writes {@code source} (a direct buffer, position to limit; untouched until the future
   * completes) at {@code offset} of the service process's region. Completes once the bytes are
   * in place remotely (put, then flush).
   */
  Future<Void> put(long offset, ByteBuffer source);

  /**
   * Reads {@code target.remaining()} bytes at {@code offset} of the region into {@code target}
   * (a direct buffer, filled from its position; untouched until the future completes).
   */
  Future<Void> get(long offset, ByteBuffer target);

  String toString();
}
