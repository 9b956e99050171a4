package io.offload.bootstrap;

import io.offload.bootstrap.BootstrapSteps.Step;
import io.offload.context.BootstrapPhase;
import io.offload.context.RankInfo;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.ServerOptions;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerImpl;
import io.offload.engine.impl.EngineImpl;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.HashMap;
import java.util.Map;

/**
 * Runs a server execution context: listens, and bootstraps every accepted client with its own
 * state ({@link BootstrapSteps}), many at once. Refuses a second live claim of the same
 * (group, rank).
 *
 * <p>Thread safety: the engine's event loop only.
 */
public final class ServerBootstrap {

  private final EngineImpl engine;
  private final ServerOptions options;
  private final ContextImpl context;
  private final int serverId;
  private final Map<Long, PeerImpl> claims = new HashMap<>();
  private NetServer server;
  private int nextClientId;
  private int live;

  private ServerBootstrap(EngineImpl engine, ServerOptions options, ContextImpl context, int serverId) {
    this.engine = engine;
    this.options = new ServerOptions(options);
    this.context = context;
    this.serverId = serverId;
  }

  /** Starts listening; the future completes on the engine's loop once the port is bound. */
  public static Future<ContextImpl> start(EngineImpl engine, ServerOptions options) {
    int serverId = engine.nextContextNumber();
    ContextImpl context = engine.register(new ContextImpl(engine, "server-" + serverId, Role.SERVER, options.getScope()));
    ServerBootstrap b = new ServerBootstrap(engine, options, context, serverId);
    return engine.onLoop(b::listen).recover(e -> {
      context.close();
      String why = e.getMessage() != null && e.getMessage().contains("Address already in use")
          ? "port " + options.getPort() + " on " + options.getHost() + " is already in use" : String.valueOf(e.getMessage());
      return Future.failedFuture(new BootstrapException("cannot listen on " + options.getHost() + ":"
          + options.getPort() + ": " + why, e));
    });
  }

  private Future<ContextImpl> listen() {
    server = engine.vertx().createNetServer(new NetServerOptions()
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
      PeerConnection.LOG.warn("{}: refusing {}: {} peers already (maxPeers)", context.id(), socket.remoteAddress(), live);
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

    private byte[] nonce;
    private Long claim;

    ServerSide(PeerImpl peer, NetSocket socket) {
      super(ServerBootstrap.this.engine, peer, socket, options.getHandshakeTimeout().toMillis());
      steps.start(Step.HELLO);
    }

    @Override
    void onFrame(OobCodec.Frame frame) {
      switch (frame.kind()) {
        case OobCodec.HELLO -> onHello(OobCodec.decodeHello(frame.body()));
        case OobCodec.RESPONSE -> onResponse(OobCodec.decodeBytes(frame.body(), "RESPONSE", Auth.MAC_LENGTH));
        case OobCodec.CLIENT_ADDRESS -> onClientAddress(
            OobCodec.decodeClientAddress(frame.body(), engine.options().getMaxAddressLength()));
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
      long key = claimKey(hello.rank());
      PeerImpl holder = claims.get(key);
      if (holder != null && holder.phase() != BootstrapPhase.DISCONNECTED) {
        refuse(OobCodec.ERR_DUPLICATE, "group " + hello.rank().groupId() + " rank " + hello.rank().rank()
            + " is already connected as peer " + holder.id());
        return;
      }
      claims.put(key, peer);
      claim = key;
      peer.rankInfo(hello.rank());
      peer.channel().remoteId(hello.clientChannel());
      peer.serverIds(serverId, options.getServiceProcessId());
      steps.done(Step.HELLO);
      if (options.getSecret() != null) {
        steps.start(Step.AUTH);
        nonce = Auth.nonce();
        socket.write(OobCodec.bytesFrame(OobCodec.CHALLENGE, nonce));
      } else {
        sendServerInfo();
      }
    }

    private void onResponse(byte[] answer) {
      if (nonce == null || steps.isDone(Step.AUTH)) {
        throw new ProtocolException("unexpected RESPONSE (no challenge pending)");
      }
      if (!Auth.verify(options.getSecret(), nonce, answer)) {
        steps.failed(Step.AUTH);
        refuse(OobCodec.ERR_AUTH, "authentication failed: the client does not know the shared secret");
        return;
      }
      steps.done(Step.AUTH);
      sendServerInfo();
    }

    private void sendServerInfo() {
      socket.write(OobCodec.serverInfo(serverId, options.getServiceProcessId(), peer.id(), peer.channel().id(),
          options.getRankInfo(), engine.ucx().workerAddress()));
      steps.done(Step.SERVER_INFO);
      steps.start(Step.CLIENT_ADDRESS);
      peer.advance(BootstrapPhase.OOB_CONNECT_DONE, null);
    }

    private void onClientAddress(byte[] address) {
      if (!steps.isDone(Step.SERVER_INFO) || steps.isDone(Step.CLIENT_ADDRESS)) {
        throw new ProtocolException("unexpected CLIENT_ADDRESS at step " + steps.current());
      }
      steps.done(Step.CLIENT_ADDRESS);
      connectUcx(address).onFailure(e -> failed("cannot create a UCX endpoint to the client: " + e.getMessage()));
    }

    @Override
    void onEnded(String reason) {
      live--;
      if (claim != null && claims.get(claim) == peer) {
        claims.remove(claim);
      }
      engine.peerLost(peer);
    }
  }
}
