package io.offload.bootstrap.impl;

import io.offload.bootstrap.BootstrapException;
import io.offload.bootstrap.ProtocolException;

import io.offload.bootstrap.impl.BootstrapSteps.Step;
import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.Role;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerImpl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/**
 * Runs a client execution context: connects to its server (retrying with backoff while the
 * server is not up yet, until the connect timeout), then bootstraps.
 *
 * <p>With a secret ({@link ClientOptions#setSecret}) the client answers the server's CHALLENGE
 * with HMAC-SHA256 over its nonce, and refuses (ERROR, {@code ERR_AUTH}) a server that sends
 * SERVER_INFO without asking: its own worker address then stays undisclosed. Without a secret it
 * refuses a server that asks for one, telling it why. The server's worker address is checked
 * before it reaches UCX (see {@code WorkerAddresses}); the whole handshake is bounded by
 * {@link ClientOptions#getHandshakeTimeout()}.
 *
 * <p>Thread safety: the engine's event loop only.
 */
public final class ClientBootstrap {

  private static final long FIRST_RETRY_MS = 20;
  private static final long MAX_RETRY_MS = 500;

  private final BootstrapSite site;
  private final ClientOptions options;
  private final ContextImpl context;
  private final PeerImpl server;
  private final Promise<ContextImpl> result;
  private final long deadline;
  private NetClient client;

  private ClientBootstrap(BootstrapSite site, ClientOptions options, ContextImpl context, Promise<ContextImpl> result) {
    this.site = site;
    this.options = new ClientOptions(options);
    this.context = context;
    this.server = context.addPeer(0);
    this.result = result;
    this.deadline = System.nanoTime() + options.getConnectTimeout().toNanos();
  }

  /** Connects and bootstraps; the future completes at BOOTSTRAP_DONE or fails with the reason. */
  public static Future<ContextImpl> connect(BootstrapSite site, ClientOptions options) {
    options.validate();
    int number = site.contexts().nextNumber();
    ContextImpl context = site.contexts().open("client-" + number, Role.CLIENT, options.getScope());
    return site.onEventLoop(() -> {
      Promise<ContextImpl> result = site.eventLoop().promise();
      ClientBootstrap b = new ClientBootstrap(site, options, context, result);
      b.client = site.vertx().createNetClient(new NetClientOptions().setTcpNoDelay(true)
          .setConnectTimeout((int) Math.max(1000, Math.min(options.getConnectTimeout().toMillis(), 10_000))));
      context.onClose(() -> b.client.close());
      b.attempt(FIRST_RETRY_MS);
      return result.future().recover(e -> context.close().transform(v -> Future.failedFuture(e)));
    });
  }

  private void attempt(long backoffMs) {
    if (context.isClosed()) {
      result.tryFail(new BootstrapException("client context closed before it connected"));
      return;
    }
    client.connect(options.getPort(), options.getHost()).onComplete(ar -> {
      if (ar.succeeded()) {
        new ClientSide(ar.result());
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        result.tryFail(new BootstrapException("cannot connect to " + options.getHost() + ":" + options.getPort()
            + " within " + options.getConnectTimeout().toMillis() + " ms: " + ar.cause().getMessage(), ar.cause()));
        return;
      }
      long delay = Math.min(backoffMs, Math.max(1, left / 1_000_000));
      site.eventLoop().setTimer(delay, id -> attempt(Math.min(backoffMs * 2, MAX_RETRY_MS)));
    });
  }

  /** The client end of the bootstrap. */
  private final class ClientSide extends PeerConnection {

    ClientSide(NetSocket socket) {
      super(ClientBootstrap.this.site, server, socket, options.getHandshakeTimeout().toMillis());
      steps.start(Step.HELLO);
      socket.write(OobCodec.hello(options.getScope().ordinal(), server.channel().id(), options.getRankInfo()));
      steps.done(Step.HELLO);
      steps.start(Step.SERVER_INFO);
    }

    @Override
    void onFrame(OobCodec.Frame frame) {
      switch (frame.kind()) {
        case OobCodec.CHALLENGE -> onChallenge(OobCodec.decodeBytes(frame.body(), "CHALLENGE", Auth.NONCE_LENGTH));
        case OobCodec.SERVER_INFO -> onServerInfo(
            OobCodec.decodeServerInfo(frame.body(), site.limits().getMaxAddressLength()));
        default -> throw new ProtocolException("unexpected " + OobCodec.kindName(frame.kind()) + " from the server at step "
            + steps.current());
      }
    }

    private void onChallenge(byte[] nonce) {
      if (steps.isDone(Step.AUTH) || steps.isDone(Step.SERVER_INFO)) {
        throw new ProtocolException("unexpected CHALLENGE");
      }
      if (options.getSecret() == null) {
        refuse(OobCodec.ERR_AUTH, "the server requires a shared secret and this client has none configured "
            + "(ClientOptions.setSecret / --secret-file)");
        return;
      }
      steps.start(Step.AUTH);
      socket.write(OobCodec.bytesFrame(OobCodec.RESPONSE, Auth.respond(options.getSecret(), nonce)));
      steps.done(Step.AUTH);
    }

    private void onServerInfo(OobCodec.ServerInfo info) {
      if (steps.isDone(Step.SERVER_INFO)) {
        throw new ProtocolException("second SERVER_INFO");
      }
      if (options.getSecret() != null && !steps.isDone(Step.AUTH)) {
        // A configuration mismatch: say so on both sides, and keep our worker address to ourselves.
        refuse(OobCodec.ERR_AUTH, "this client has a shared secret but the server did not ask for it "
            + "(is the server started without a secret?); refusing to continue unauthenticated");
        return;
      }
      WorkerAddresses.check(info.workerAddress(), site.transport().ucx().workerAddress(), "SERVER_INFO");
      steps.done(Step.SERVER_INFO);
      server.serverIds(info.serverId(), info.serviceProcessId());
      if (info.rank() != null) {
        server.rankInfo(info.rank());
      }
      server.channel().remoteId(info.serverChannel());
      context.clientId(info.clientId());
      server.advance(BootstrapPhase.OOB_CONNECT_DONE, null);
      steps.start(Step.CLIENT_ADDRESS);
      socket.write(OobCodec.clientAddress(site.transport().ucx().workerAddress()));
      steps.done(Step.CLIENT_ADDRESS);
      connectUcx(info.workerAddress()).onFailure(e -> refuse(OobCodec.ERR_PROTOCOL, "cannot create a UCX endpoint to "
          + "the server's worker address: " + e.getMessage()));
    }

    @Override
    void onBootstrapDone() {
      result.tryComplete(context);
    }

    @Override
    void onEnded(String reason) {
      result.tryFail(new BootstrapException("bootstrap with " + options.getHost() + ":" + options.getPort()
          + " failed: " + reason));
      site.events().lost(server);
    }
  }
}
