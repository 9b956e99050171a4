package io.offload.context.impl;

import io.offload.context.BootstrapPhase;
import io.offload.context.ExecutionContext;
import io.offload.context.Peer;
import io.offload.context.PhaseChange;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.notify.EventTypes;
import io.offload.notify.Notification;
import io.offload.memory.ExposedRegion;
import io.offload.memory.PeerRegion;
import io.offload.notify.NotificationConsumer;
import io.offload.notify.PayloadAllocator;
import io.offload.notify.impl.Routes;
import io.vertx.core.Handler;
import io.offload.notify.NotificationException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The one implementation of {@link ExecutionContext}, whatever the role. The bootstrap code
 * (package {@code bootstrap}) adds peers and drives their phases; this class answers the
 * common API and finalizes.
 */
public final class ContextImpl implements ExecutionContext {

  private final ContextSite site;
  private final String id;
  private final Role role;
  private final Scope scope;
  /** Lost peers stay listed (phase DISCONNECTED) up to this many, oldest forgotten first. */
  static final int LOST_PEERS_KEPT = 1024;

  private final Map<Integer, PeerImpl> peers = new ConcurrentSkipListMap<>();
  private final java.util.ArrayDeque<PeerImpl> lost = new java.util.ArrayDeque<>();
  private final AtomicLong selfEventIds = new AtomicLong();
  private final Promise<Void> closed = Promise.promise();
  private volatile boolean closing;
  /** Every peer has ended and the context is closed; guarded by {@code this}. */
  private boolean closedDone;
  private volatile int localPort = -1;
  private volatile int clientId = -1;
  /** Role-specific teardown after the peers are gone (close the listening socket, ...). */
  private volatile Supplier<Future<Void>> onClose = Future::succeededFuture;
  private final Routes routes;
  /** Peers at BOOTSTRAP_DONE now, and whether any ever was; guarded by {@code this}. */
  private int ready;
  private boolean everReady;
  /** Waiting for the last peer to leave ({@link #lastPeerLeft}); guarded by {@code this}. */
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();

  public ContextImpl(ContextSite site, String id, Role role, Scope scope) {
    this.site = site;
    this.id = id;
    this.role = role;
    this.scope = scope;
    this.routes = site.transport().notifications().routes(this, id);
  }

  /** Adds a peer with its own UCX channel. */
  public PeerImpl addPeer(int peerId) {
    PeerImpl peer = new PeerImpl(this, peerId, site.transport().notifications().newChannel(routes, peerId));
    peers.put(peerId, peer);
    return peer;
  }

  /** The self context's one peer, 0: this process, with a UCX endpoint to its own worker. */
  public void addSelfPeer(io.offload.topology.RankInfo rank, org.openucx.jucx.ucp.UcpEndpoint endpoint) {
    peers.put(0, PeerImpl.self(this, rank, endpoint));
  }

  /** Forgets a peer at once (never admitted, or replaced by the same rank reconnecting). */
  public void removePeer(PeerImpl peer) {
    peers.remove(peer.id(), peer);
    synchronized (lost) {
      lost.remove(peer);
    }
  }

  /** A peer reached DISCONNECTED: keep it listed, but only the most recent {@link #LOST_PEERS_KEPT}. */
  void retire(PeerImpl peer) {
    synchronized (lost) {
      lost.add(peer);
      while (lost.size() > LOST_PEERS_KEPT) {
        PeerImpl old = lost.poll();
        peers.remove(old.id(), old);
      }
    }
  }

  /** A peer changed phase (its event loop): counts the bootstrapped ones, tells who waits for the last to leave. */
  void peerMoved(BootstrapPhase from, BootstrapPhase to) {
    List<Promise<Void>> wake = null;
    synchronized (this) {
      if (to == BootstrapPhase.BOOTSTRAP_DONE) {
        ready++;
        everReady = true;
      } else if (from == BootstrapPhase.BOOTSTRAP_DONE && to == BootstrapPhase.DISCONNECTED && --ready == 0) {
        wake = takeIdleWaiters();
      }
    }
    completeAll(wake);
  }

  private List<Promise<Void>> takeIdleWaiters() {
    List<Promise<Void>> all = new ArrayList<>(idleWaiters);
    idleWaiters.clear();
    return all;
  }

  private static void completeAll(List<Promise<Void>> promises) {
    if (promises != null) {
      promises.forEach(Promise::tryComplete);
    }
  }

  @Override
  public Future<Void> lastPeerLeft() {
    if (role == Role.SELF) {
      return Future.failedFuture(new IllegalStateException("the self context's one peer, this process, never leaves"));
    }
    io.vertx.core.internal.ContextInternal caller = (io.vertx.core.internal.ContextInternal) site.vertx()
        .getOrCreateContext();
    synchronized (this) {
      if (closedDone || (everReady && ready == 0)) {
        return caller.succeededFuture();
      }
      Promise<Void> p = caller.promise();
      idleWaiters.add(p);
      return p.future();
    }
  }

  /** Where this context lives. */
  public ContextSite site() {
    return site;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Role role() {
    return role;
  }

  @Override
  public Scope scope() {
    return scope;
  }

  @Override
  public BootstrapPhase phase() {
    if (closing) {
      return BootstrapPhase.DISCONNECTED;
    }
    if (role == Role.SELF) {
      return BootstrapPhase.BOOTSTRAP_DONE;
    }
    if (role == Role.CLIENT) {
      PeerImpl server = peers.get(0);
      return server == null ? BootstrapPhase.BOOTSTRAP_NOT_INITIATED : server.phase();
    }
    BootstrapPhase least = null;
    for (PeerImpl p : peers.values()) {
      BootstrapPhase ph = p.phase();
      if (ph != BootstrapPhase.DISCONNECTED && (least == null || ph.ordinal() < least.ordinal())) {
        least = ph;
      }
    }
    return least == null ? BootstrapPhase.BOOTSTRAP_NOT_INITIATED : least;
  }

  @Override
  public BootstrapPhase phase(int peerId) {
    PeerImpl p = peers.get(peerId);
    if (p == null) {
      return role == Role.SELF && peerId == 0 ? phase() : BootstrapPhase.UNKNOWN;
    }
    return closing ? BootstrapPhase.DISCONNECTED : p.phase();
  }

  @Override
  public List<Peer> peers() {
    checkOpen();
    return new ArrayList<>(peers.values());
  }

  @Override
  public Optional<Peer> peer(int peerId) {
    checkOpen();
    return Optional.ofNullable(peers.get(peerId));
  }

  public PeerImpl peerImpl(int peerId) {
    return peers.get(peerId);
  }

  public List<PeerImpl> peerImpls() {
    return new ArrayList<>(peers.values());
  }

  @Override
  public int clientId() {
    checkOpen();
    return clientId;
  }

  public void clientId(int clientId) {
    this.clientId = clientId;
  }

  @Override
  public int localPort() {
    checkOpen();
    return localPort;
  }

  public void localPort(int port) {
    this.localPort = port;
  }

  public void onClose(Supplier<Future<Void>> action) {
    this.onClose = action;
  }

  @Override
  public Future<Void> notify(int peerId, int type, Buffer payload) {
    checkOpen();
    EventTypes.checkUserType(type);
    if (role == Role.SELF) {
      return notifySelf(peerId, type, payload == null ? Buffer.buffer() : payload.copy());
    }
    PeerImpl p = peerForSend(peerId);
    String refusal = refusal(p);
    return refusal != null ? Future.failedFuture(new NotificationException(refusal))
        : site.transport().notifications().send(p.channel(), type, payload);
  }

  @Override
  public Future<Void> notifyDirect(int peerId, int type, ByteBuffer payload) {
    checkOpen();
    EventTypes.checkUserType(type);
    if (role == Role.SELF) {
      byte[] bytes = new byte[payload.remaining()];
      payload.duplicate().get(bytes);
      return notifySelf(peerId, type, Buffer.buffer(bytes));
    }
    PeerImpl p = peerForSend(peerId);
    String refusal = refusal(p);
    return refusal != null ? Future.failedFuture(new NotificationException(refusal))
        : site.transport().notifications().sendDirect(p.channel(), type, payload);
  }

  private Future<Void> notifySelf(int peerId, int type, Buffer payload) {
    if (peerId != 0) {
      throw new IllegalArgumentException("the self context has one peer, 0; got " + peerId);
    }
    site.transport().notifications().deliverSelf(routes, type, site.selfRank(), selfEventIds.getAndIncrement(), payload);
    return Future.succeededFuture();
  }

  /** An unknown peer id is a programming error: thrown. */
  private PeerImpl peerForSend(int peerId) {
    PeerImpl p = peers.get(peerId);
    if (p == null) {
      throw new IllegalArgumentException(id + " has no peer " + peerId);
    }
    return p;
  }

  /** Why a peer cannot take notifications now (a run-time condition: a failed future), or null. */
  private String refusal(PeerImpl p) {
    BootstrapPhase ph = p.phase();
    if (ph == BootstrapPhase.DISCONNECTED) {
      return "peer " + p.id() + " of " + id + " disconnected: " + p.disconnectReason();
    }
    if (ph.ordinal() < BootstrapPhase.UCX_CONNECT_DONE.ordinal()) {
      return "peer " + p.id() + " of " + id + " cannot take notifications yet (phase " + ph + ")";
    }
    return null;
  }

  @Override
  public NotificationConsumer consumer(int type, Handler<Notification> handler) {
    checkOpen();
    EventTypes.checkUserType(type);
    return site.transport().notifications().consumer(routes, type, handler);
  }

  @Override
  public NotificationConsumer consumer(int type, PayloadAllocator allocator, Handler<Notification> handler) {
    checkOpen();
    return site.transport().notifications().consumer(routes, EventTypes.checkUserType(type), allocator, handler);
  }

  @Override
  public Future<ExposedRegion> expose(int peerId, ByteBuffer memory) {
    return site.memory().expose(peerForExposure(peerId), memory);
  }

  @Override
  public Future<ExposedRegion> expose(int peerId, long address, long length) {
    return site.memory().expose(peerForExposure(peerId), address, length);
  }

  @Override
  public Future<ExposedRegion> exposeAllocated(int peerId, long length) {
    return site.memory().exposeAllocated(peerForExposure(peerId), length);
  }

  private PeerImpl peerForExposure(int peerId) {
    checkOpen();
    if (role == Role.SELF) {
      throw new IllegalArgumentException("the self context exposes no memory: expose it to a peer of a client or "
          + "server context");
    }
    return peerForSend(peerId);
  }

  @Override
  public Optional<PeerRegion> peerRegion(int peerId, int regionId) {
    checkOpen();
    return site.memory().peerRegion(peers.get(peerId), regionId);
  }

  @Override
  public List<PeerRegion> peerRegions(int peerId) {
    checkOpen();
    return site.memory().peerRegions(peers.get(peerId));
  }

  @Override
  public Future<Void> close() {
    synchronized (this) {
      if (closing) {
        return onCaller(closed.future());
      }
      closing = true;
    }
    List<Future<Void>> ends = new ArrayList<>();
    for (PeerImpl p : peers.values()) {
      PeerLink link = p.link();
      if (link != null) {
        ends.add(link.terminate("context " + id + " closed"));
      }
    }
    Future.join(ends)
        .transform(v -> onClose.get())
        .onComplete(v -> {
          site.transport().notifications().closeRoutes(routes);
          site.events().contextClosed(this, new PhaseChange(site.engineId(), id, role, -1, null,
              BootstrapPhase.BOOTSTRAP_DONE, BootstrapPhase.DISCONNECTED, "closed", null));
          List<Promise<Void>> wake;
          synchronized (this) {
            closedDone = true;
            wake = takeIdleWaiters();
          }
          completeAll(wake);
          closed.tryComplete();
        });
    return onCaller(closed.future());
  }

  private Future<Void> onCaller(Future<Void> f) {
    return OnCaller.complete(site.vertx(), f);
  }

  @Override
  public boolean isClosed() {
    return closing;
  }

  /** Throws the finalized-context error. */
  public void checkOpen() {
    if (closing) {
      throw new IllegalStateException("execution context " + id + " of engine " + site.engineId()
          + " is finalized; create a new one");
    }
  }

  @Override
  public String toString() {
    return role + " context " + id + " (" + scope + ", " + peers.size() + " peers, " + phase() + ")";
  }
}
