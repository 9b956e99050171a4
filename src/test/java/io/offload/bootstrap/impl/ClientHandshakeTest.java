package io.offload.bootstrap.impl;

import io.offload.bootstrap.BootstrapException;
import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.Scope;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerImpl;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.offload.bootstrap.impl.BootstrapSteps.Step.CLIENT_ADDRESS;
import static io.offload.bootstrap.impl.BootstrapSteps.Step.ENDPOINT;
import static io.offload.bootstrap.impl.BootstrapSteps.Step.HELLO;
import static io.offload.bootstrap.impl.BootstrapSteps.Step.PROBE_IN;
import static io.offload.bootstrap.impl.BootstrapSteps.Step.PROBE_OUT;
import static io.offload.bootstrap.impl.BootstrapSteps.Step.SERVER_INFO;
import static io.offload.bootstrap.impl.BootstrapSteps.Step.SOCKET;
import static io.offload.bootstrap.impl.HandshakeSteps.expect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's state machine driven frame by frame by a hand-made server: a real Vert.x server
 * socket for the OOB frames and a real UCX worker of the test's own for the probes
 * ({@link RawUcx}), against a real engine's client context.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientHandshakeTest {

  static final AtomicInteger CHANNELS = new AtomicInteger(5000);
  static Vertx vertx;
  static OffloadEngine rank;
  static RawUcx raw;
  NetServer fake;
  final BlockingQueue<OobSocket> accepted = new LinkedBlockingQueue<>();
  Walk walk;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    rank = OffloadEngine.create(vertx, new EngineOptions().setName("handshake-rank")
        .setHeartbeatInterval(Duration.ofMillis(50))).await(30, TimeUnit.SECONDS);
    raw = new RawUcx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (rank != null) {
      Future<Void> closed = rank.close();
      raw.until("the engine closed", closed::isComplete);
    }
    if (raw != null) {
      raw.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void listen() throws Exception {
    fake = vertx.createNetServer();
    fake.connectHandler(s -> accepted.add(new OobSocket(s))); // the parser is set before any byte is read
    fake.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    walk = new Walk();
  }

  @AfterEach
  void close() throws Exception {
    if (walk.context != null && !walk.context.isClosed()) {
      Future<Void> closed = walk.context.close();
      raw.until("the client context closed", closed::isComplete);
    }
    if (walk.socket != null) {
      walk.socket.close();
    }
    fake.close().await(10, TimeUnit.SECONDS);
    raw.closeEndpoints();
  }

  /** One client context of the engine, moved forward by the hand-made server one frame at a time. */
  final class Walk {
    final int serverChannel = CHANNELS.incrementAndGet();
    final RankInfo me = RankInfo.of(0, 0, 1);
    final RankInfo serverRank = new RankInfo(1, 3, 4, 0, 2, 1);
    Future<ExecutionContext> connecting;
    OobSocket socket;
    OobCodec.Hello hello;
    ContextImpl context;
    PeerImpl server;
    PeerConnection conn;
    byte[] clientAddress;
    RawUcx.Probe clientProbe;
    byte[] ourProbe;

    HandshakeSteps steps() {
      return HandshakeSteps.of(conn);
    }

    Walk connect() throws Exception {
      connecting = rank.connect(new ClientOptions().setPort(fake.actualPort()).setRankInfo(me)
          .setHandshakeTimeout(Duration.ofSeconds(30)));
      socket = accepted.poll(10, TimeUnit.SECONDS);
      assertNotNull(socket, "the client connected");
      hello = OobCodec.decodeHello(socket.next(OobCodec.HELLO).body());
      int port = socket.socket.remoteAddress().port();
      Await.until("the client context", () -> find(port) != null, 10, TimeUnit.SECONDS);
      conn = find(port);
      server = conn.peer;
      context = server.context();
      return this;
    }

    private PeerConnection find(int port) {
      for (ExecutionContext c : rank.contexts()) {
        PeerImpl p = ((ContextImpl) c).peerImpl(0);
        if (p != null && p.link() instanceof PeerConnection pc && pc.socket.localAddress().port() == port) {
          return pc;
        }
      }
      return null;
    }

    Walk serverInfo() throws Exception {
      socket.write(OobCodec.serverInfo(5, 3, 42, serverChannel, serverRank, raw.address()));
      clientAddress = OobCodec.decodeClientAddress(socket.next(OobCodec.CLIENT_ADDRESS).body(), 1 << 20);
      clientProbe = raw.probeFor(serverChannel);
      raw.until("UCX_CONNECT_DONE", () -> server.phase() == BootstrapPhase.UCX_CONNECT_DONE);
      return this;
    }

    Walk probe() throws Exception {
      ourProbe = raw.sendProbe(clientAddress, hello.clientChannel());
      byte[] echo = OobCodec.decodeBytes(socket.next(OobCodec.READY).body(), "READY", ProbeNonce.LENGTH);
      assertArrayEquals(ourProbe, echo, "the client's READY echoes the probe that reached it");
      return this;
    }

    Walk ready() {
      socket.write(OobCodec.bytesFrame(OobCodec.READY, clientProbe.payload()));
      raw.until("the connect future", connecting::isComplete);
      return this;
    }

    /** Walks up to {@code phase}; BOOTSTRAP_NOT_INITIATED: the client's HELLO read. */
    Walk to(BootstrapPhase phase) throws Exception {
      connect();
      if (phase.ordinal() >= BootstrapPhase.UCX_CONNECT_DONE.ordinal()) {
        serverInfo();
      }
      if (phase == BootstrapPhase.BOOTSTRAP_DONE) {
        probe().ready();
        assertTrue(connecting.succeeded(), () -> "" + connecting.cause());
      }
      assertEquals(phase, server.phase());
      return this;
    }

    /** The reason the client gave up: its connect future's, or the peer's once bootstrapped. */
    String failure() throws Exception {
      raw.until("the client gave up", () -> server.phase() == BootstrapPhase.DISCONNECTED && connecting.isComplete());
      if (connecting.failed()) {
        assertInstanceOf(BootstrapException.class, connecting.cause());
        return connecting.cause().getMessage();
      }
      return server.disconnectReason();
    }
  }

  @Test
  void shouldWalkEveryStepToBootstrapDoneFrameByFrame() throws Exception {
    walk.connect();
    assertEquals(OobCodec.MAGIC, walk.hello.magic());
    assertEquals(Scope.HOST_SERVICE.ordinal(), walk.hello.scope());
    assertEquals(walk.me, walk.hello.rank());
    assertEquals(walk.server.channel().id(), walk.hello.clientChannel());
    HandshakeSteps s = walk.steps();
    assertEquals(BootstrapPhase.BOOTSTRAP_NOT_INITIATED, s.phase());
    assertEquals(expect(List.of(SOCKET, HELLO), SERVER_INFO), s.steps());
    assertFalse(walk.connecting.isComplete());

    walk.serverInfo();
    assertArrayEquals(rank.workerAddress(), walk.clientAddress);
    assertEquals(0, walk.clientProbe.eventId());
    s = walk.steps();
    assertEquals(BootstrapPhase.UCX_CONNECT_DONE, s.phase());
    assertEquals(expect(List.of(SOCKET, HELLO, SERVER_INFO, CLIENT_ADDRESS, ENDPOINT), PROBE_OUT), s.steps());
    assertEquals(3, walk.server.serviceProcessId());
    assertEquals(5, walk.server.serverId());
    assertEquals(walk.serverRank, walk.server.rankInfo().orElseThrow());
    assertEquals(0, walk.socket.unread(), "no READY before our probe reached the client");

    walk.probe();
    s = walk.steps();
    assertEquals(BootstrapPhase.UCX_CONNECT_DONE, s.phase());
    assertEquals(expect(List.of(SOCKET, HELLO, SERVER_INFO, CLIENT_ADDRESS, ENDPOINT, PROBE_IN), PROBE_OUT), s.steps());
    assertFalse(walk.connecting.isComplete(), "the server's READY is still missing");

    walk.ready();
    assertTrue(walk.connecting.succeeded(), () -> "" + walk.connecting.cause());
    ExecutionContext c = walk.connecting.result();
    assertEquals(BootstrapPhase.BOOTSTRAP_DONE, c.phase());
    assertEquals(42, c.clientId());
    s = walk.steps();
    assertEquals(expect(List.of(SOCKET, HELLO, SERVER_INFO, CLIENT_ADDRESS, ENDPOINT, PROBE_IN, PROBE_OUT)), s.steps());
    assertNull(s.current());
    Await.until("a heartbeat from the client", () -> walk.socket.heartbeats > 0, 10, TimeUnit.SECONDS);
  }

  /** phase reached, the frame then sent by the server, a fragment of the refusal. */
  static Stream<Arguments> outOfTurn() {
    Function<Walk, Buffer> hello = w -> OobCodec.hello(Scope.HOST_SERVICE.ordinal(), 1, w.me);
    Function<Walk, Buffer> address = w -> OobCodec.clientAddress(raw.address());
    Function<Walk, Buffer> anyReady = w -> OobCodec.bytesFrame(OobCodec.READY, new byte[ProbeNonce.LENGTH]);
    Function<Walk, Buffer> rightReady = w -> OobCodec.bytesFrame(OobCodec.READY, w.clientProbe.payload());
    Function<Walk, Buffer> response = w -> OobCodec.bytesFrame(OobCodec.RESPONSE, new byte[Auth.MAC_LENGTH]);
    Function<Walk, Buffer> challenge = w -> OobCodec.bytesFrame(OobCodec.CHALLENGE, new byte[Auth.NONCE_LENGTH]);
    Function<Walk, Buffer> serverInfo = w -> OobCodec.serverInfo(5, 3, 42, w.serverChannel, null, raw.address());
    BootstrapPhase hi = BootstrapPhase.BOOTSTRAP_NOT_INITIATED;
    BootstrapPhase ucx = BootstrapPhase.UCX_CONNECT_DONE;
    BootstrapPhase done = BootstrapPhase.BOOTSTRAP_DONE;
    return Stream.of(
        Arguments.of(hi, "READY", anyReady, "READY before this side sent its probe"),
        Arguments.of(hi, "HELLO", hello, "unexpected HELLO from the server at step SERVER_INFO"),
        Arguments.of(hi, "CLIENT_ADDRESS", address, "unexpected CLIENT_ADDRESS from the server at step SERVER_INFO"),
        Arguments.of(hi, "RESPONSE", response, "unexpected RESPONSE from the server at step SERVER_INFO"),
        Arguments.of(ucx, "SERVER_INFO", serverInfo, "second SERVER_INFO"),
        Arguments.of(ucx, "CHALLENGE", challenge, "unexpected CHALLENGE"),
        Arguments.of(ucx, "READY not echoing the probe", anyReady, "READY does not echo the UCX probe"),
        Arguments.of(done, "READY", rightReady, "second READY"),
        Arguments.of(done, "SERVER_INFO", serverInfo, "second SERVER_INFO"),
        Arguments.of(done, "HELLO", hello, "unexpected HELLO from the server after the bootstrap (all steps done)"));
  }

  @ParameterizedTest(name = "{1} at {0}")
  @MethodSource("outOfTurn")
  void shouldRefuseAFrameOutOfTurnWithAProtocolError(BootstrapPhase phase, String name, Function<Walk, Buffer> frame,
                                                     String refusal) throws Exception {
    walk.to(phase);
    walk.socket.write(frame.apply(walk));
    walk.socket.awaitProtocolError(refusal);
    String why = walk.failure();
    assertTrue(why.contains(refusal), why);
    assertEquals(0, walk.socket.unread(), "one ERROR, nothing after it");
  }

  @ParameterizedTest
  @EnumSource(value = BootstrapPhase.class, names = {"BOOTSTRAP_NOT_INITIATED", "UCX_CONNECT_DONE", "BOOTSTRAP_DONE"})
  void shouldEndCleanlyOnATermInEveryPhase(BootstrapPhase phase) throws Exception {
    walk.to(phase);
    walk.socket.write(OobCodec.term("server leaves at " + phase));
    walk.socket.awaitClosedByPeer();
    assertEquals(0, walk.socket.unread(), "a TERM is answered by a close, never an ERROR");
    String why = walk.failure();
    assertTrue(why.endsWith("terminated by the peer: server leaves at " + phase), why);
    if (phase != BootstrapPhase.BOOTSTRAP_DONE) {
      assertTrue(why.startsWith("bootstrap with 127.0.0.1:" + fake.actualPort() + " failed"), why);
      Await.until("the failed client context closed", walk.context::isClosed, 10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(value = BootstrapPhase.class, names = {"BOOTSTRAP_NOT_INITIATED", "UCX_CONNECT_DONE", "BOOTSTRAP_DONE"})
  void shouldEndOnAnErrorFrameFromTheServerWithoutAnsweringIt(BootstrapPhase phase) throws Exception {
    walk.to(phase);
    walk.socket.write(OobCodec.error(OobCodec.ERR_FULL, "server full"));
    walk.socket.awaitClosedByPeer();
    assertEquals(0, walk.socket.unread(), "no ERROR back");
    String why = walk.failure();
    assertTrue(why.endsWith("the peer refused: server full (code 4)"), why);
  }
}
