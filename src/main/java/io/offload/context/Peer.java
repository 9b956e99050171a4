package io.offload.context;

import io.offload.topology.RankInfo;

import org.openucx.jucx.ucp.UcpEndpoint;

import java.util.Optional;

/**
 * The other side of one relationship of an execution context: a client of a server, or the
 * server of a client. A read-only view; its phase changes as the bootstrap goes on.
 *
 * <p>Thread safety: safe to read from any thread.
 */
public interface Peer {

  /**
   * Id of this peer within its context. On a server, the client id it assigned; on a
   * client, always 0 (its one server).
   */
  int id();

  /** The peer's rank info, once the handshake delivered it. */
  Optional<RankInfo> rankInfo();

  /** The peer's current phase. */
  BootstrapPhase phase();

  /** How the peer left, once its phase is {@code DISCONNECTED}; empty before. */
  Optional<Departure> departure();

  /** Server id (on the service process) as told during bootstrap; -1 before. */
  int serverId();

  /** Global id of the service process on the other side (or this one, on a server); -1 if none. */
  int serviceProcessId();

  /**
   * The UCX endpoint to this peer, for users who issue their own UCX operations. JUCX calls on
   * it must run on the engine's UCX context ({@code OffloadEngine.ucxContext()}).
   *
   * @throws IllegalStateException when the endpoint does not exist (yet, or any more)
   */
  UcpEndpoint endpoint();
}
