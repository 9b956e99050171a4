package io.offload.bootstrap.impl;

import io.offload.bootstrap.impl.BootstrapSteps.Step;
import io.offload.context.BootstrapPhase;
import io.offload.context.ExecutionContext;
import io.offload.context.Scope;
import io.offload.context.ServerOptions;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerImpl;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's state machine driven frame by frame by a hand-made client: a real socket for the
 * OOB frames and a real UCX worker of the test's own for the probes ({@link RawUcx}), against a
 * real engine. After each frame: the peer's phase and the state of each bootstrap step.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerHandshakeTest {

  static final AtomicInteger RANKS = new AtomicInteger();
  static final AtomicInteger CHANNELS = new AtomicInteger(1000);
  static Vertx vertx;
  static OffloadEngine sp;
  static RawUcx raw;
  ExecutionContext server;
  Walk walk;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sp = OffloadEngine.create(vertx, new EngineOptions().setName("handshake-sp")
        .setHeartbeatInterval(Duration.ofMillis(50))).await(30, TimeUnit.SECONDS);
    raw = new RawUcx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sp != null) {
      Future<Void> closed = sp.close();
      raw.until("the engine closed", closed::isComplete); // its endpoints to our worker flush while we progress
    }
    if (raw != null) {
      raw.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void listen() throws Exception {
    server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
    walk = new Walk();
  }

  @AfterEach
  void closeServer() {
    if (walk.socket != null) {
      walk.socket.close();
    }
    Future<Void> closed = server.close();
    raw.until("the server context closed", closed::isComplete);
    raw.closeEndpoints();
  }

  /** One hand-made client, moved forward one frame at a time; peer 0 of the test's server. */
  final class Walk {
    final int channel = CHANNELS.incrementAndGet();
    final RankInfo rank = RankInfo.of(5, RANKS.getAndIncrement(), 1_000_000);
    OobSocket socket;
    PeerImpl peer;
    PeerConnection conn;
    OobCodec.ServerInfo info;
    RawUcx.Probe serverProbe;
    byte[] ourProbe;

    ContextImpl context() {
      return (ContextImpl) server;
    }

    HandshakeSteps steps() {
      return HandshakeSteps.of(conn);
    }

    Walk connect() throws Exception {
      NetSocket s = vertx.createNetClient().connect(server.localPort(), "127.0.0.1").await(10, TimeUnit.SECONDS);
      socket = new OobSocket(s);
      Await.until("the server took the connection", () -> context().peerImpl(0) != null
          && context().peerImpl(0).link() != null, 10, TimeUnit.SECONDS);
      peer = context().peerImpl(0);
      conn = (PeerConnection) peer.link();
      return this;
    }

    Walk hello() throws Exception {
      socket.write(OobCodec.hello(Scope.HOST_SERVICE.ordinal(), channel, rank));
      info = OobCodec.decodeServerInfo(socket.next(OobCodec.SERVER_INFO).body(), 1 << 20);
      return this;
    }

    Walk clientAddress() {
      socket.write(OobCodec.clientAddress(raw.address()));
      serverProbe = raw.probeFor(channel);
      raw.until("UCX_CONNECT_DONE", () -> peer.phase() == BootstrapPhase.UCX_CONNECT_DONE);
      return this;
    }

    /** Our probe over UCX; the server's READY must echo it. */
    Walk probe() throws Exception {
      ourProbe = raw.sendProbe(info.workerAddress(), info.serverChannel());
      byte[] echo = OobCodec.decodeBytes(socket.next(OobCodec.READY).body(), "READY", ProbeNonce.LENGTH);
      assertArrayEquals(ourProbe, echo, "the server's READY echoes the probe that reached it");
      return this;
    }

    Walk ready() {
      socket.write(OobCodec.bytesFrame(OobCodec.READY, serverProbe.payload()));
      raw.until("BOOTSTRAP_DONE", () -> peer.phase() == BootstrapPhase.BOOTSTRAP_DONE);
      return this;
    }

    /** Walks up to {@code phase}. */
    Walk to(BootstrapPhase phase) throws Exception {
      connect();
      if (phase.ordinal() >= BootstrapPhase.OOB_CONNECT_DONE.ordinal()) {
        hello();
      }
      if (phase.ordinal() >= BootstrapPhase.UCX_CONNECT_DONE.ordinal()) {
        clientAddress();
      }
      if (phase == BootstrapPhase.BOOTSTRAP_DONE) {
        probe().ready();
      }
      assertEquals(phase, server.phase(0));
      return this;
    }
  }

  @Test
  void shouldWalkEveryStepToBootstrapDoneFrameByFrame() throws Exception {
    walk.connect();
    HandshakeSteps s = walk.steps();
    assertEquals(BootstrapPhase.BOOTSTRAP_NOT_INITIATED, s.phase());
    assertEquals(expect(List.of(SOCKET), HELLO), s.steps());
    assertEquals(HELLO, s.current());

    walk.hello();
    assertEquals(0, walk.info.clientId());
    assertEquals(walk.peer.channel().id(), walk.info.serverChannel());
    assertArrayEquals(sp.workerAddress(), walk.info.workerAddress());
    s = walk.steps();
    assertEquals(BootstrapPhase.OOB_CONNECT_DONE, s.phase());
    assertEquals(expect(List.of(SOCKET, HELLO, SERVER_INFO), CLIENT_ADDRESS), s.steps());
    assertEquals(walk.rank, walk.peer.rankInfo().orElseThrow());

    walk.clientAddress();
    assertEquals(walk.channel, walk.serverProbe.dstChannel(), "the probe is addressed to the channel HELLO named");
    assertEquals(0, walk.serverProbe.eventId(), "the first notification on the channel");
    s = walk.steps();
    assertEquals(BootstrapPhase.UCX_CONNECT_DONE, s.phase());
    assertEquals(expect(List.of(SOCKET, HELLO, SERVER_INFO, CLIENT_ADDRESS, ENDPOINT), PROBE_OUT), s.steps());
    assertEquals(0, walk.socket.unread(), "no READY before our probe reached the server");

    walk.probe();
    s = walk.steps();
    assertEquals(BootstrapPhase.UCX_CONNECT_DONE, s.phase(), "our READY is still missing");
    assertEquals(expect(List.of(SOCKET, HELLO, SERVER_INFO, CLIENT_ADDRESS, ENDPOINT, PROBE_IN), PROBE_OUT), s.steps());
    assertEquals(PROBE_OUT, s.current());

    walk.ready();
    s = walk.steps();
    assertEquals(BootstrapPhase.BOOTSTRAP_DONE, s.phase());
    assertEquals(expect(List.of(SOCKET, HELLO, SERVER_INFO, CLIENT_ADDRESS, ENDPOINT, PROBE_IN, PROBE_OUT)), s.steps(),
        "every step done; AUTH never started (no secret)");
    assertNull(s.current());
    Await.until("a heartbeat from the server", () -> walk.socket.heartbeats > 0, 10, TimeUnit.SECONDS);
    assertEquals(0, walk.socket.unread());
  }

  @Test
  void shouldHoldItsReadyUntilItsOwnEndpointExists() throws Exception {
    walk.connect().hello();
    walk.ourProbe = raw.sendProbe(walk.info.workerAddress(), walk.info.serverChannel()); // before CLIENT_ADDRESS
    Await.until("the probe taken", () -> walk.steps().steps().get(PROBE_IN) == BootstrapSteps.State.DONE, 10,
        TimeUnit.SECONDS);
    HandshakeSteps s = walk.steps();
    assertEquals(BootstrapPhase.OOB_CONNECT_DONE, s.phase());
    assertEquals(BootstrapSteps.State.NOT_STARTED, s.steps().get(ENDPOINT));
    assertEquals(0, walk.socket.unread(), "no READY while the server cannot take notifications itself");

    walk.socket.write(OobCodec.clientAddress(raw.address()));
    byte[] echo = OobCodec.decodeBytes(walk.socket.next(OobCodec.READY).body(), "READY", ProbeNonce.LENGTH);
    assertArrayEquals(walk.ourProbe, echo, "sent once the endpoint is made");
    walk.serverProbe = raw.probeFor(walk.channel);
    walk.ready();
    assertEquals(BootstrapPhase.BOOTSTRAP_DONE, server.phase(0));
  }

  @Test
  void shouldRefuseAProbeOfTheWrongSize() throws Exception {
    walk.to(BootstrapPhase.UCX_CONNECT_DONE);
    raw.sendProbe(walk.info.workerAddress(), walk.info.serverChannel(), 16);
    assertEquals("UCX probe of 16 bytes (expected 32)", walk.socket.awaitProtocolError("UCX probe").text());
    assertEquals(BootstrapPhase.DISCONNECTED, server.phase(0));
  }

  /** phase reached, the frame then sent (built from the walk), a fragment of the refusal. */
  static Stream<Arguments> outOfTurn() {
    Function<Walk, Buffer> hello = w -> OobCodec.hello(Scope.HOST_SERVICE.ordinal(), w.channel, w.rank);
    Function<Walk, Buffer> address = w -> OobCodec.clientAddress(raw.address());
    Function<Walk, Buffer> anyReady = w -> OobCodec.bytesFrame(OobCodec.READY, new byte[ProbeNonce.LENGTH]);
    Function<Walk, Buffer> rightReady = w -> OobCodec.bytesFrame(OobCodec.READY, w.serverProbe.payload());
    Function<Walk, Buffer> response = w -> OobCodec.bytesFrame(OobCodec.RESPONSE, new byte[Auth.MAC_LENGTH]);
    Function<Walk, Buffer> challenge = w -> OobCodec.bytesFrame(OobCodec.CHALLENGE, new byte[Auth.NONCE_LENGTH]);
    Function<Walk, Buffer> serverInfo = w -> OobCodec.serverInfo(1, 2, 3, 4, null, raw.address());
    BootstrapPhase oob = BootstrapPhase.OOB_CONNECT_DONE;
    BootstrapPhase ucx = BootstrapPhase.UCX_CONNECT_DONE;
    BootstrapPhase done = BootstrapPhase.BOOTSTRAP_DONE;
    return Stream.of(
        Arguments.of(oob, "HELLO", hello, "second HELLO"),
        Arguments.of(oob, "READY", anyReady, "READY before this side sent its probe"),
        Arguments.of(oob, "RESPONSE", response, "unexpected RESPONSE (no challenge pending)"),
        Arguments.of(oob, "SERVER_INFO", serverInfo, "unexpected SERVER_INFO from a client at step CLIENT_ADDRESS"),
        Arguments.of(ucx, "HELLO", hello, "second HELLO"),
        Arguments.of(ucx, "CLIENT_ADDRESS", address, "unexpected CLIENT_ADDRESS at step PROBE_OUT"),
        Arguments.of(ucx, "READY not echoing the probe", anyReady, "READY does not echo the UCX probe"),
        Arguments.of(ucx, "CHALLENGE", challenge, "unexpected CHALLENGE from a client at step PROBE_OUT"),
        Arguments.of(done, "HELLO", hello, "second HELLO"),
        Arguments.of(done, "CLIENT_ADDRESS", address, "unexpected CLIENT_ADDRESS after the bootstrap (all steps done)"),
        Arguments.of(done, "READY", rightReady, "second READY"),
        Arguments.of(done, "RESPONSE", response, "unexpected RESPONSE (no challenge pending)"));
  }

  @ParameterizedTest(name = "{1} at {0}")
  @MethodSource("outOfTurn")
  void shouldRefuseAFrameOutOfTurnWithAProtocolError(BootstrapPhase phase, String name, Function<Walk, Buffer> frame,
                                                     String refusal) throws Exception {
    walk.to(phase);
    walk.socket.write(frame.apply(walk));
    walk.socket.awaitProtocolError(refusal);
    assertEquals(BootstrapPhase.DISCONNECTED, server.phase(0));
    assertTrue(walk.peer.disconnectReason().contains(refusal), walk.peer.disconnectReason());
    assertEquals(0, walk.socket.unread(), "one ERROR, nothing after it");
  }

  @ParameterizedTest
  @EnumSource(value = BootstrapPhase.class, names = {"BOOTSTRAP_NOT_INITIATED", "OOB_CONNECT_DONE", "UCX_CONNECT_DONE",
      "BOOTSTRAP_DONE"})
  void shouldEndCleanlyOnATermInEveryPhase(BootstrapPhase phase) throws Exception {
    walk.to(phase);
    HandshakeSteps before = walk.steps();
    walk.socket.write(OobCodec.term("leaving at " + phase));
    walk.socket.awaitClosedByPeer();
    assertEquals(0, walk.socket.unread(), "a TERM is answered by a close, never an ERROR");
    if (phase == BootstrapPhase.BOOTSTRAP_NOT_INITIATED) {
      Await.until("the unadmitted peer forgotten", () -> server.phase(0) == BootstrapPhase.UNKNOWN, 10,
          TimeUnit.SECONDS);
    } else {
      assertEquals(BootstrapPhase.DISCONNECTED, server.phase(0));
      assertEquals("terminated by the peer: leaving at " + phase, walk.peer.disconnectReason());
    }
    assertEquals(before.steps(), walk.steps().steps(), "no step failed");
  }

  @ParameterizedTest
  @EnumSource(value = BootstrapPhase.class, names = {"OOB_CONNECT_DONE", "UCX_CONNECT_DONE", "BOOTSTRAP_DONE"})
  void shouldEndOnAnErrorFrameFromTheClientWithoutAnsweringIt(BootstrapPhase phase) throws Exception {
    walk.to(phase);
    walk.socket.write(OobCodec.error(OobCodec.ERR_TIMEOUT, "the client gives up"));
    walk.socket.awaitClosedByPeer();
    assertEquals(0, walk.socket.unread(), "no ERROR back");
    assertEquals(BootstrapPhase.DISCONNECTED, server.phase(0));
    assertEquals("the peer refused: the client gives up (code 5)", walk.peer.disconnectReason());
  }
}
