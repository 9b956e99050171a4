package io.offload.context;

import io.offload.memory.ExposedRegion;
import io.offload.memory.PeerRegion;
import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.offload.notify.PayloadAllocator;
import io.offload.notify.Notifier;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * One relationship between this process and others: a server (many peers), a client (one peer,
 * its server) or the engine's self context. After bootstrap the same calls serve every role.
 *
 * <p>After {@link #close()} every call except {@code id/role/scope/phase/isClosed/close/lastPeerLeft} throws
 * {@link IllegalStateException}.
 *
 * <p>Thread safety: all methods may be called from any thread; futures complete on the
 * caller's Vert.x context.
 */
public interface ExecutionContext extends Notifier {

  /** Id of this context within its engine, for example {@code server-1}, {@code client-2}, {@code self}. */
  String id();

  Role role();

  Scope scope();

  /**
   * The phase of the context as a whole. A client: its server's phase. A server: the least
   * advanced phase over its live peers ({@code BOOTSTRAP_NOT_INITIATED} with none). Self:
   * {@code BOOTSTRAP_DONE}. Any role after close: {@code DISCONNECTED}.
   */
  BootstrapPhase phase();

  /** The phase of one peer; {@code UNKNOWN} for an id this context never had. */
  BootstrapPhase phase(int peerId);

  /** The peers, live or lost (a lost peer's phase is DISCONNECTED; the last 1024 lost ones are kept). */
  List<Peer> peers();

  /** One peer. On a client the server is peer 0. */
  Optional<Peer> peer(int peerId);

  /** On a client: the id its server assigned to it. On a server or self: -1. */
  int clientId();

  /** On a server: the port it listens on (the real one when 0 was asked). Else -1. */
  int localPort();

  /**
   * Sends a notification with a library-managed payload: the bytes are copied before this
   * returns, the caller may reuse {@code payload} at once. The future completes when UCX
   * reports the send complete, or fails with a {@code NotificationException} saying why (peer not
   * bootstrapped or lost, UCX status). Throws {@code IllegalStateException} on a finalized context,
   * {@code IllegalArgumentException} for an unknown peer or a reserved type.
   *
   * @param peerId  the receiving peer (0 on a client or self)
   * @param type    a user event type, {@code >= EventTypes.FIRST_USER_TYPE}
   * @param payload the bytes, may be empty
   */
  Future<Void> notify(int peerId, int type, Buffer payload);

  /**
   * Sends a notification with a user-managed payload: {@code payload} (a direct buffer,
   * position to limit) is sent without a copy and must not be touched until the future
   * completes.
   */
  Future<Void> notifyDirect(int peerId, int type, ByteBuffer payload);

  /**
   * Registers the handler of this context's notifications of {@code type}. It runs on the caller's
   * Vert.x context, inside it (what it throws goes to that context's exception handler). Registered from {@code engine.ucxContext()} it is the fast path: it runs on the
   * UCX progress thread in the same pass as the arrival, is lent the notification for the call
   * (see {@link Notification}), and must never block. A context's own consumer of a type comes
   * before the engine-wide one; notifications that arrive before either is registered are kept
   * (bounded: {@code EngineOptions.maxPending/maxPendingBytes}) and handed over, in order, at
   * registration. One consumer per type per context; the completion fails for a second one.
   */
  NotificationConsumer consumer(int type, Handler<Notification> handler);

  /**
   * As {@link #consumer(int, Handler)}, with the payloads of {@code type} received straight into
   * the application's memory: buffers from {@code allocator}, given back to it after the handler
   * (see {@link PayloadAllocator}). The library's own pool stays the default.
   */
  NotificationConsumer consumer(int type, PayloadAllocator allocator, Handler<Notification> handler);

  /**
   * Exposes {@code memory} (a direct buffer, position to limit, at least one byte) to peer
   * {@code peerId} (0 on a client: its service process) for one-sided access: registers it with
   * UCX and publishes its remote key, address, length and a region id to the peer. Completes once
   * the peer has recorded it (it then finds it with {@link #peerRegion} or
   * {@code GroupCache.rankRegion}): send the peer the region's id after that. The buffer must stay valid until the region is withdrawn ({@link ExposedRegion#withdraw()})
   * or released. Fails when the peer is not bootstrapped, is lost, or refuses (too many regions).
   *
   * @throws IllegalArgumentException for a heap or empty buffer, an unknown peer, or the self context
   */
  Future<ExposedRegion> expose(int peerId, ByteBuffer memory);

  /**
   * Exposes {@code length} bytes at {@code address}, memory this process owns and keeps mapped
   * until the region is withdrawn or released. Otherwise as {@link #expose(int, ByteBuffer)}.
   */
  Future<ExposedRegion> expose(int peerId, long address, long length);

  /**
   * Exposes {@code length} bytes of new memory that UCX allocates (its {@link ExposedRegion#buffer()}
   * is the memory; withdrawing the region frees it). Otherwise as {@link #expose(int, ByteBuffer)}.
   *
   * <p>Why: UCX reaches memory it allocated (shared memory on this host) with real one-sided
   * access, the peer's CPU alone moving the bytes. Memory registered from the application's buffer
   * is reached here (UCX 1.13, shared memory and CMA transports) through a software emulation in
   * which the owner's UCX worker serves every get and put: measured with a service process reading
   * a rank's region, 8 KiB gets took 2 us with allocated memory against 1-7 ms with registered
   * memory, and the rank's progress thread did the copying. Expose allocated memory for what
   * service processes move on a rank's behalf.
   */
  Future<ExposedRegion> exposeAllocated(int peerId, long length);

  /**
   * The region {@code regionId} that peer {@code peerId} exposed to this process, while it is
   * exposed (lock-free; empty once withdrawn or lost).
   */
  Optional<PeerRegion> peerRegion(int peerId, int regionId);

  /** Every region peer {@code peerId} currently exposes to this process, by id (allocates). */
  List<PeerRegion> peerRegions(int peerId);

  /**
   * Completes when this context's last peer has left: the moment no peer is at
   * {@code BOOTSTRAP_DONE} any more after at least one was (each peer left by finalizing, being
   * lost or being closed: {@link Peer#departure()}). At once when that is already so (peers came
   * and all went, and no new one has bootstrapped since); pending while a peer is bootstrapped,
   * or before any peer ever was. Peers still in their handshake do not count. Each call returns a
   * new future, so a server can wait for every time it goes idle. Also completes once the context
   * is closed. On a client the one peer is its server: it completes when the server is gone. On
   * the self context it fails ({@code IllegalStateException}: its peer never leaves). May be
   * called after {@link #close()}.
   */
  Future<Void> lastPeerLeft();

  /**
   * Finalizes the context: sends a termination to each peer, closes endpoints, then the
   * sockets. Idempotent: later calls return the same future.
   */
  Future<Void> close();

  boolean isClosed();
}
