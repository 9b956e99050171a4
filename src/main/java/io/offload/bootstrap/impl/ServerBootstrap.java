package io.offload.bootstrap.impl;

import io.offload.bootstrap.BootstrapException;
import io.offload.bootstrap.ProtocolException;

import io.offload.bootstrap.impl.BootstrapSteps.Step;
import io.offload.context.BootstrapPhase;
import io.offload.topology.RankInfo;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.ServerOptions;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerImpl;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a server execution context: listens, and bootstraps every accepted client with its own
 * state ({@link BootstrapSteps}), many at once.
 *
 * <p>What a client must get through, in order, and the limit that guards each step (every
 * refusal is an ERROR frame with a code and a reason, then the socket is closed; the server
 * keeps serving everyone else):
 * <ol>
 *   <li>Connection: at most {@link ServerOptions#getMaxPeers()} connections (handshaking or
 *       bootstrapped) at once, else {@code ERR_FULL}.</li>
 *   <li>Frames: each at most {@link io.offload.engine.EngineOptions#getMaxFrameLength()} bytes,
 *       checked before anything is buffered; worker addresses at most
 *       {@link io.offload.engine.EngineOptions#getMaxAddressLength()}; any malformed, unknown
 *       or out-of-order frame is {@code ERR_PROTOCOL}.</li>
 *   <li>HELLO: magic, version and scope must match.</li>
 *   <li>Authentication, when {@link ServerOptions#setSecret} is set: CHALLENGE with a fresh
 *       nonce, RESPONSE must be HMAC-SHA256(secret, nonce), else {@code ERR_AUTH}. Nothing about
 *       this server (ids, worker address, other peers) is sent before it succeeds.</li>
 *   <li>Claim: a second live claim of the same (group, rank) is refused ({@code ERR_DUPLICATE});
 *       a rank whose previous connection is DISCONNECTED may claim again (its old record is
 *       replaced). A holder that looks live is checked on the wire first ({@link WireState}): if
 *       the kernel already has its close (a rank that closed and reconnected at once, before the
 *       event loop processed the close), it is ended and the new claim accepted. A link cut
 *       without a close is noticed after the heartbeat timeout, so a rank reconnecting through a
 *       cut link is refused until then.</li>
 *   <li>Time: a peer not at BOOTSTRAP_DONE within {@link ServerOptions#getHandshakeTimeout()}
 *       of its connection is dropped ({@code ERR_TIMEOUT}), which also bounds slow senders.</li>
 * </ol>
 * Connections that never got admitted leave no peer record behind, so floods and garbage do
 * not accumulate state.
 *
 * <p>Thread safety: the engine's event loop only.
 */
public final class ServerBootstrap {

  /** Matches the lost peers a context keeps listed ({@code ContextImpl.LOST_PEERS_KEPT}). */
  static final int LOST_CLAIMS_KEPT = 1024;

  private final BootstrapSite site;
  private final ServerOptions options;
  private final ContextImpl context;
  private final int serverId;
  /** Live claims: (group, rank) to the connection that holds it. */
  private final Map<Long, PeerImpl> claims = new HashMap<>();
  /** Claims whose connection ended, the most recent {@link #LOST_CLAIMS_KEPT} (as many as the context lists). */
  private final Map<Long, PeerImpl> lostClaims = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, PeerImpl> eldest) {
      return size() > LOST_CLAIMS_KEPT;
    }
  };
  private NetServer server;
  private int nextClientId;
  private int live;

  private ServerBootstrap(BootstrapSite site, ServerOptions options, ContextImpl context, int serverId) {
    this.site = site;
    this.options = new ServerOptions(options);
    this.context = context;
    this.serverId = serverId;
  }

  /** Starts listening; the future completes on the engine's loop once the port is bound. */
  public static Future<ContextImpl> start(BootstrapSite site, ServerOptions options) {
    int serverId = site.contexts().nextNumber();
    ContextImpl context = site.contexts().open("server-" + serverId, Role.SERVER, options.getScope());
    ServerBootstrap b = new ServerBootstrap(site, options, context, serverId);
    return site.onEventLoop(b::listen).recover(e -> {
      context.close();
      String why = e.getMessage() != null && e.getMessage().contains("Address already in use")
          ? "port " + options.getPort() + " on " + options.getHost() + " is already in use" : String.valueOf(e.getMessage());
      return Future.failedFuture(new BootstrapException("cannot listen on " + options.getHost() + ":"
          + options.getPort() + ": " + why, e));
    });
  }

  private Future<ContextImpl> listen() {
    server = site.vertx().createNetServer(new NetServerOptions()
        .setHost(options.getHost()).setPort(options.getPort()).setTcpNoDelay(true).setReuseAddress(true));
    server.connectHandler(this::accept);
    context.onClose(() -> server.close());
    return server.listen().map(s -> {
      context.localPort(s.actualPort());
      return context;
    });
  }

  private void accept(NetSocket socket) {
    if (context.isClosed()) {
      socket.close();
      return;
    }
    if (live >= options.getMaxPeers()) {
      PeerConnection.PEER_WARNINGS.warn("{}: refusing {}: {} peers already (maxPeers)", context.id(), socket.remoteAddress(),
          live);
      socket.write(OobCodec.error(OobCodec.ERR_FULL, "server full: " + live + " peers (maxPeers)"))
          .onComplete(v -> socket.close());
      return;
    }
    live++;
    PeerImpl peer = context.addPeer(nextClientId++);
    new ServerSide(peer, socket);
  }

  private static long claimKey(RankInfo r) {
    return ((long) r.groupId() << 32) | (r.rank() & 0xFFFFFFFFL);
  }

  /** The server end of one client's bootstrap. */
  private final class ServerSide extends PeerConnection {

    private OobCodec.Hello hello;
    private byte[] nonce;
    /** Set once admitted (identified and, with a secret, authenticated). */
    private Long claim;
    /** A live holder of our claim was checked on the wire once already. */
    private boolean wireChecked;

    ServerSide(PeerImpl peer, NetSocket socket) {
      super(ServerBootstrap.this.site, peer, socket, options.getHandshakeTimeout().toMillis());
      steps.start(Step.HELLO);
    }

    @Override
    void onFrame(OobCodec.Frame frame) {
      switch (frame.kind()) {
        case OobCodec.HELLO -> onHello(OobCodec.decodeHello(frame.body()));
        case OobCodec.RESPONSE -> onResponse(OobCodec.decodeBytes(frame.body(), "RESPONSE", Auth.MAC_LENGTH));
        case OobCodec.CLIENT_ADDRESS -> onClientAddress(
            OobCodec.decodeClientAddress(frame.body(), site.limits().getMaxAddressLength()));
        default -> throw new ProtocolException("unexpected " + OobCodec.kindName(frame.kind()) + " from a client at step "
            + steps.current());
      }
    }

    private void onHello(OobCodec.Hello hello) {
      if (steps.isDone(Step.HELLO)) {
        throw new ProtocolException("second HELLO");
      }
      if (hello.scope() >= Scope.values().length || Scope.values()[hello.scope()] != options.getScope()) {
        throw new ProtocolException("client asks for scope code " + hello.scope() + " but this server serves "
            + options.getScope());
      }
      this.hello = hello;
      steps.done(Step.HELLO);
      if (options.getSecret() != null) {
        // Nothing about this server or its other peers is told before the client proves the secret.
        steps.start(Step.AUTH);
        nonce = Auth.nonce();
        socket.write(OobCodec.bytesFrame(OobCodec.CHALLENGE, nonce));
      } else {
        admit();
      }
    }

    private void onResponse(byte[] answer) {
      if (nonce == null || steps.isDone(Step.AUTH) || steps.state(Step.AUTH) == BootstrapSteps.State.FAILED) {
        throw new ProtocolException("unexpected RESPONSE (no challenge pending)");
      }
      if (!Auth.verify(options.getSecret(), nonce, answer)) {
        steps.failed(Step.AUTH);
        refuse(OobCodec.ERR_AUTH, "authentication failed: the client does not know the shared secret");
        return;
      }
      steps.done(Step.AUTH);
      admit();
    }

    /**
     * The client is who it says (or no secret is required): claim its (group, rank), then
     * disclose this server's worker address. A live holder of the same claim wins; a lost one
     * (DISCONNECTED) is replaced, and its record dropped so that churn does not pile up peers.
     */
    private void admit() {
      RankInfo rank = hello.rank();
      long key = claimKey(rank);
      PeerImpl holder = claims.get(key);
      if (holder != null && holder.phase() != BootstrapPhase.DISCONNECTED && !wireChecked
          && holder.link() instanceof ServerSide old) {
        // The holder may have closed already with its close not processed yet (a rank reconnecting at once):
        // ask the kernel, off the loop, then decide.
        wireChecked = true;
        SocketAddress local = old.socket.localAddress();
        SocketAddress remote = old.socket.remoteAddress();
        loop.executeBlocking(() -> WireState.of(local.hostAddress(), local.port(), remote.hostAddress(), remote.port()),
            false).onComplete(ar -> {
              if (ended()) {
                return;
              }
              if (ar.succeeded() && ar.result() == WireState.State.CLOSED_BY_PEER && claims.get(key) == holder
                  && holder.link() == old) {
                old.lost("OOB connection closed by the peer (seen when group " + rank.groupId() + " rank " + rank.rank()
                    + " connected again)");
              }
              admit();
            });
        return;
      }
      if (holder != null && holder.phase() != BootstrapPhase.DISCONNECTED) {
        refuse(OobCodec.ERR_DUPLICATE, "group " + rank.groupId() + " rank " + rank.rank()
            + " is already connected (as peer " + holder.id() + "); a rank may reconnect only after its previous "
            + "connection is gone");
        return;
      }
      String refused = site.admission().refusal(options.getScope(), rank);
      if (refused != null) { // group too large, or conflicting with its size here (issue 16: 1, 8)
        refuse(OobCodec.ERR_PROTOCOL, refused);
        return;
      }
      if (holder != null) {
        claims.remove(key, holder);
      }
      PeerImpl previous = lostClaims.remove(key);
      if (previous != null) {
        context.removePeer(previous); // the same rank again: its old record is replaced, not piled up
      }
      claims.put(key, peer);
      claim = key;
      peer.rankInfo(rank);
      peer.channel().remoteId(hello.clientChannel());
      peer.serverIds(serverId, options.getServiceProcessId());
      sendServerInfo();
    }

    private void sendServerInfo() {
      steps.start(Step.SERVER_INFO);
      socket.write(OobCodec.serverInfo(serverId, options.getServiceProcessId(), peer.id(), peer.channel().id(),
          options.getRankInfo(), site.transport().ucx().workerAddress()));
      steps.done(Step.SERVER_INFO);
      steps.start(Step.CLIENT_ADDRESS);
      peer.advance(BootstrapPhase.OOB_CONNECT_DONE, null);
    }

    private void onClientAddress(byte[] address) {
      if (!steps.isDone(Step.SERVER_INFO) || steps.isDone(Step.CLIENT_ADDRESS)) {
        throw new ProtocolException("unexpected CLIENT_ADDRESS at step " + steps.current());
      }
      WorkerAddresses.check(address, site.transport().ucx().workerAddress(), "CLIENT_ADDRESS");
      steps.done(Step.CLIENT_ADDRESS);
      connectUcx(address).onFailure(e -> refuse(OobCodec.ERR_PROTOCOL, "cannot create a UCX endpoint to the client's "
          + "worker address: " + e.getMessage()));
    }

    @Override
    void onEnded(String reason) {
      live--;
      if (claim == null) {
        // Never admitted (garbage, refused, unauthenticated, stalled): leave no trace behind.
        context.removePeer(peer);
        return;
      }
      // Only live claims are held. The context lists a bounded number of lost peers; the claim remembers the
      // same bounded number of them so that a rank coming back replaces its old record.
      if (claims.remove(claim, peer)) {
        lostClaims.put(claim, peer);
      }
      site.events().lost(peer);
    }
  }
}
