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
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  private final ContextPeers peers = new ContextPeers();
  private final ReadyPeers readyPeers = new ReadyPeers();
  private final ContextSender sender;
  private final Promise<Void> closed = Promise.promise();
  private volatile boolean closing;
  private volatile int localPort = -1;
  private volatile int clientId = -1;
  /** Role-specific teardown after the peers are gone (close the listening socket, ...). */
  private volatile Supplier<Future<Void>> onClose = Future::succeededFuture;
  private final Routes routes;

  public ContextImpl(ContextSite site, String id, Role role, Scope scope) {
    this.site = site;
    this.id = id;
    this.role = role;
    this.scope = scope;
    this.routes = site.transport().notifications().routes(this, id);
    this.sender = new ContextSender(site, id, role, routes, peers);
  }

  /** Adds a peer with its own UCX channel. */
  public PeerImpl addPeer(int peerId) {
    PeerImpl peer = new PeerImpl(this, peerId, site.transport().notifications().newChannel(routes, peerId));
    peers.put(peer);
    return peer;
  }

  /** The self context's one peer, 0: this process, with a UCX endpoint to its own worker. */
  public void addSelfPeer(io.offload.topology.RankInfo rank, org.openucx.jucx.ucp.UcpEndpoint endpoint) {
    peers.put(PeerImpl.self(this, rank, endpoint));
  }

  /** Forgets a peer at once (never admitted, or replaced by the same rank reconnecting). */
  public void removePeer(PeerImpl peer) {
    peers.remove(peer);
  }

  /** A peer reached DISCONNECTED: keep it listed, but only the most recent {@link #LOST_PEERS_KEPT}. */
  void retire(PeerImpl peer) {
    peers.retire(peer, LOST_PEERS_KEPT);
  }

  /** A peer changed phase (its event loop): counts the bootstrapped ones, tells who waits for the last to leave. */
  void peerMoved(BootstrapPhase from, BootstrapPhase to) {
    readyPeers.peerMoved(from, to);
  }

  @Override
  public Future<Void> lastPeerLeft() {
    if (role == Role.SELF) {
      return Future.failedFuture(new IllegalStateException("the self context's one peer, this process, never leaves"));
    }
    io.vertx.core.internal.ContextInternal caller = (io.vertx.core.internal.ContextInternal) site.vertx()
        .getOrCreateContext();
    return readyPeers.lastPeerLeft(caller);
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
    return peers.leastLivePhase();
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
    return new ArrayList<>(peers.all());
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
    return new ArrayList<>(peers.all());
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
    return sender.notify(peerId, type, payload);
  }

  @Override
  public Future<Void> notifyDirect(int peerId, int type, ByteBuffer payload) {
    checkOpen();
    return sender.notifyDirect(peerId, type, payload);
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
    return sender.peerForSend(peerId);
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
    for (PeerImpl p : peers.all()) {
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
          readyPeers.contextClosed();
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
