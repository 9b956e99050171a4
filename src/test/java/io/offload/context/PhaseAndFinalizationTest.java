package io.offload.context;

import io.offload.topology.RankInfo;

import io.offload.bootstrap.impl.OobCodec;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steps each side through the bootstrap by hand (a raw socket plays the other side) and checks
 * the phase getter at every step; then finalization.
 */
@ExtendWith(VertxExtension.class)
class PhaseAndFinalizationTest {

  Vertx vertx;
  OffloadEngine sp;
  OffloadEngine helper; // only lends a real UCX worker address to the raw-socket side

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    sp = OffloadEngine.create(vertx, new EngineOptions().setName("sp")).await(30, TimeUnit.SECONDS);
    helper = OffloadEngine.create(vertx, new EngineOptions().setName("helper")).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    sp.close().await(30, TimeUnit.SECONDS);
    helper.close().await(30, TimeUnit.SECONDS);
  }

  /** Frames received on a raw socket. */
  static BlockingQueue<OobCodec.Frame> frames(NetSocket socket) {
    BlockingQueue<OobCodec.Frame> q = new LinkedBlockingQueue<>();
    socket.handler(OobCodec.parser(1 << 20, q::add, e -> { }));
    return q;
  }

  static OobCodec.Frame next(BlockingQueue<OobCodec.Frame> q) throws InterruptedException {
    OobCodec.Frame f = q.poll(10, TimeUnit.SECONDS);
    assertNotNull(f, "no frame within 10 s");
    return f;
  }

  @Test
  void serverPhaseIsRightAtEachStep() throws Exception {
    ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
    assertEquals(BootstrapPhase.BOOTSTRAP_NOT_INITIATED, server.phase());
    assertEquals(BootstrapPhase.UNKNOWN, server.phase(0));

    NetSocket raw = vertx.createNetClient().connect(server.localPort(), "127.0.0.1").await(10, TimeUnit.SECONDS);
    BlockingQueue<OobCodec.Frame> in = frames(raw);
    Await.until("peer accepted", () -> server.phase(0) == BootstrapPhase.BOOTSTRAP_NOT_INITIATED, 10, TimeUnit.SECONDS);

    raw.write(OobCodec.hello(Scope.HOST_SERVICE.ordinal(), 99, new RankInfo(4, 2, 8, 2, 8, 1)));
    OobCodec.Frame info = next(in);
    assertEquals(OobCodec.SERVER_INFO, info.kind());
    OobCodec.ServerInfo si = OobCodec.decodeServerInfo(info.body(), 1 << 20);
    assertEquals(0, si.clientId());
    assertTrue(si.workerAddress().length > 0);
    Await.until("OOB_CONNECT_DONE", () -> server.phase(0) == BootstrapPhase.OOB_CONNECT_DONE, 10, TimeUnit.SECONDS);
    assertEquals(new RankInfo(4, 2, 8, 2, 8, 1), server.peer(0).orElseThrow().rankInfo().orElseThrow());

    raw.write(OobCodec.clientAddress(helper.workerAddress()));
    Await.until("UCX_CONNECT_DONE", () -> server.phase(0) == BootstrapPhase.UCX_CONNECT_DONE, 10, TimeUnit.SECONDS);
    assertEquals(BootstrapPhase.UCX_CONNECT_DONE, server.phase());
    assertNotNull(server.peer(0).orElseThrow().endpoint());

    raw.close();
    Await.until("DISCONNECTED", () -> server.phase(0) == BootstrapPhase.DISCONNECTED, 10, TimeUnit.SECONDS);
    assertThrows(IllegalStateException.class, () -> server.peer(0).orElseThrow().endpoint());
    assertEquals(BootstrapPhase.BOOTSTRAP_NOT_INITIATED, server.phase(), "no live peer left");
  }

  @Test
  void clientPhaseIsRightAtEachStep() throws Exception {
    NetServer fake = vertx.createNetServer();
    BlockingQueue<NetSocket> accepted = new LinkedBlockingQueue<>();
    BlockingQueue<OobCodec.Frame> in = new LinkedBlockingQueue<>();
    fake.connectHandler(socket -> {
      socket.handler(OobCodec.parser(1 << 20, in::add, e -> { })); // before any byte can arrive
      accepted.add(socket);
    });
    int port = fake.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    OffloadEngine rank = OffloadEngine.create(vertx, new EngineOptions().setName("rank")).await(30, TimeUnit.SECONDS);
    try {
      rank.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, 0, 1)));
      NetSocket s = accepted.poll(10, TimeUnit.SECONDS);
      assertNotNull(s);
      assertEquals(OobCodec.HELLO, next(in).kind());
      ExecutionContext client = rank.contexts().get(0);
      assertEquals(Role.CLIENT, client.role());
      assertEquals(BootstrapPhase.BOOTSTRAP_NOT_INITIATED, client.phase());

      s.write(OobCodec.serverInfo(1, 3, 42, 7, null, helper.workerAddress()));
      assertEquals(OobCodec.CLIENT_ADDRESS, next(in).kind());
      Await.until("UCX_CONNECT_DONE", () -> client.phase() == BootstrapPhase.UCX_CONNECT_DONE, 10, TimeUnit.SECONDS);
      assertEquals(42, client.clientId());
      assertEquals(3, client.peer(0).orElseThrow().serviceProcessId());

      s.write(OobCodec.term("test over"));
      Await.until("DISCONNECTED", () -> client.phase() == BootstrapPhase.DISCONNECTED, 10, TimeUnit.SECONDS);
    } finally {
      rank.close().await(30, TimeUnit.SECONDS);
      fake.close();
    }
  }

  @Test
  void finalizedContextRefusesEveryCallAndDoubleCloseIsHarmless() throws Exception {
    ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
    List<PhaseChange> serverEvents = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PhaseChange>localConsumer(sp.phaseAddress(), m -> serverEvents.add(m.body()))
        .completion().await(10, TimeUnit.SECONDS);
    OffloadEngine rank = OffloadEngine.create(vertx, new EngineOptions().setName("rank2")).await(30, TimeUnit.SECONDS);
    ExecutionContext client = rank.connect(new ClientOptions().setPort(server.localPort())
        .setRankInfo(RankInfo.of(0, 0, 1))).await(10, TimeUnit.SECONDS);

    client.close().await(10, TimeUnit.SECONDS);
    client.close().await(10, TimeUnit.SECONDS);
    assertTrue(client.isClosed());
    assertEquals(BootstrapPhase.DISCONNECTED, client.phase());
    assertEquals(BootstrapPhase.DISCONNECTED, client.phase(0));
    assertThrows(IllegalStateException.class, client::peers);
    assertThrows(IllegalStateException.class, () -> client.peer(0));
    assertThrows(IllegalStateException.class, () -> client.notify(0, 5000, Buffer.buffer("x")));
    assertThrows(IllegalStateException.class, () -> client.notifyDirect(0, 5000, ByteBuffer.allocateDirect(1)));
    assertThrows(IllegalStateException.class, () -> client.consumer(5000, n -> { }));
    assertThrows(IllegalStateException.class, client::clientId);
    assertThrows(IllegalStateException.class, client::localPort);
    IllegalStateException e = assertThrows(IllegalStateException.class, client::peers);
    assertTrue(e.getMessage().contains("finalized"), e.getMessage());

    // the server saw a clean termination, not a crash
    Await.until("server sees DISCONNECTED", () -> server.phase(0) == BootstrapPhase.DISCONNECTED, 10, TimeUnit.SECONDS);
    PhaseChange last = serverEvents.get(serverEvents.size() - 1);
    assertEquals(BootstrapPhase.DISCONNECTED, last.to());
    assertTrue(last.reason().startsWith("terminated by the peer"), last.reason());
    assertEquals(Departure.FINALIZED, last.departure());

    rank.close().await(10, TimeUnit.SECONDS);
    rank.close().await(10, TimeUnit.SECONDS);
    assertThrows(IllegalStateException.class, rank::self);
    assertThrows(IllegalStateException.class, () -> rank.connect(new ClientOptions().setPort(1).setRankInfo(RankInfo.of(0, 0, 1))));
  }

  @Test
  void garbageOrHalfHandshakeClientIsDroppedAndTheNextClientBootstraps() throws Exception {
    ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
    // 1. garbage: a frame of a plausible length with a wrong magic
    NetSocket garbage = vertx.createNetClient().connect(server.localPort(), "127.0.0.1").await(10, TimeUnit.SECONDS);
    BlockingQueue<OobCodec.Frame> in = frames(garbage);
    garbage.write(Buffer.buffer().appendInt(40).appendByte(OobCodec.HELLO).appendBytes(new byte[39]));
    OobCodec.Frame err = next(in);
    assertEquals(OobCodec.ERROR, err.kind());
    assertTrue(OobCodec.decodeError(err.body()).text().contains("bad magic"));
    // never admitted: dropped without a trace
    Await.until("garbage peer dropped", () -> server.phase(0) == BootstrapPhase.UNKNOWN, 10, TimeUnit.SECONDS);

    // 2. a client that leaves after HELLO
    NetSocket half = vertx.createNetClient().connect(server.localPort(), "127.0.0.1").await(10, TimeUnit.SECONDS);
    BlockingQueue<OobCodec.Frame> in2 = frames(half);
    half.write(OobCodec.hello(Scope.HOST_SERVICE.ordinal(), 1, RankInfo.of(0, 0, 1)));
    assertEquals(OobCodec.SERVER_INFO, next(in2).kind());
    half.close();
    Await.until("half peer dropped", () -> server.phase(1) == BootstrapPhase.DISCONNECTED, 10, TimeUnit.SECONDS);

    // 3. a normal client, claiming the same rank as the one that left, bootstraps
    OffloadEngine rank = OffloadEngine.create(vertx, new EngineOptions().setName("rank3")).await(30, TimeUnit.SECONDS);
    try {
      ExecutionContext client = rank.connect(new ClientOptions().setPort(server.localPort())
          .setRankInfo(RankInfo.of(0, 0, 1))).await(10, TimeUnit.SECONDS);
      assertEquals(BootstrapPhase.BOOTSTRAP_DONE, client.phase());
      assertEquals(2, client.clientId());
    } finally {
      rank.close().await(10, TimeUnit.SECONDS);
    }
  }
}
