package io.offload.fault;

import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.PhaseChange;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.context.Peer;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.offload.testkit.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A server context in this JVM that echoes {@link #ECHO} notifications, records every phase
 * change, and can prove at any time that a normal rank still bootstraps and talks.
 */
final class ServerFixture implements AutoCloseable {

  static final int ECHO = 4242;
  private static final AtomicInteger NAMES = new AtomicInteger();

  final Vertx vertx;
  final OffloadEngine engine;
  final ExecutionContext server;
  final String secret;
  final List<PhaseChange> changes;
  private final AtomicInteger nextRank = new AtomicInteger(1000);
  private OffloadEngine clients;

  private ServerFixture(Vertx vertx, OffloadEngine engine, ExecutionContext server, String secret,
                        List<PhaseChange> changes) {
    this.changes = changes;
    this.vertx = vertx;
    this.engine = engine;
    this.server = server;
    this.secret = secret;
  }

  static ServerFixture start(ServerOptions serverOptions) throws Exception {
    return start(serverOptions, new EngineOptions());
  }

  static ServerFixture start(ServerOptions serverOptions, EngineOptions engineOptions) throws Exception {
    Vertx vertx = Vertx.vertx();
    String name = "fault-sp" + NAMES.incrementAndGet();
    OffloadEngine engine = OffloadEngine.create(vertx, new EngineOptions(engineOptions).setName(name))
        .await(30, TimeUnit.SECONDS);
    List<PhaseChange> changes = new CopyOnWriteArrayList<>(); // from the first phase change on
    vertx.eventBus().<PhaseChange>localConsumer(engine.phaseAddress(), m -> changes.add(m.body()))
        .completion().await(10, TimeUnit.SECONDS);
    Promise<Void> echoReady = Promise.promise();
    engine.ucxContext().runOnContext(v -> {
      NotificationConsumer c = engine.consumer(ECHO, n -> {
        if (!n.context().isClosed()) {
          n.context().notify(n.peerId(), ECHO, n.payload());
        }
      });
      c.completion().onComplete(echoReady);
    });
    echoReady.future().await(10, TimeUnit.SECONDS);
    ExecutionContext server = engine.listen(serverOptions).await(30, TimeUnit.SECONDS);
    return new ServerFixture(vertx, engine, server, serverOptions.getSecret(), changes);
  }

  int port() {
    return server.localPort();
  }

  /** All peer records of the server (admitted ones, lost ones, and connections still handshaking). */
  List<Peer> peerRecords() {
    return server.peers();
  }

  long livePeers() {
    return peerRecords().stream().filter(p -> p.phase() != BootstrapPhase.DISCONNECTED).count();
  }

  OffloadEngine clientEngine() throws Exception {
    if (clients == null) {
      clients = OffloadEngine.create(vertx, new EngineOptions().setName("fault-ranks" + NAMES.incrementAndGet()))
          .await(30, TimeUnit.SECONDS);
    }
    return clients;
  }

  ClientOptions clientOptions(RankInfo rank) {
    ClientOptions o = new ClientOptions().setPort(port()).setRankInfo(rank).setConnectTimeout(Duration.ofSeconds(10));
    return secret == null ? o : o.setSecret(secret);
  }

  /** The group of the normal ranks of {@link #assertNormalRankBootstraps}. */
  static final int NORMAL_RANK_GROUP = 77;

  /** Connects a client context of the shared client engine as {@code rank}. */
  ExecutionContext connect(RankInfo rank) throws Exception {
    return clientEngine().connect(clientOptions(rank)).await(20, TimeUnit.SECONDS);
  }

  /** A fresh normal rank bootstraps, and a notification goes there and back over UCX. */
  void assertNormalRankBootstraps() throws Exception {
    // a group of its own: the tests' other claims (group 0, each test its own size) must not conflict
    ExecutionContext c = connect(RankInfo.of(NORMAL_RANK_GROUP, nextRank.getAndIncrement(), 100_000));
    try {
      assertEquals(BootstrapPhase.BOOTSTRAP_DONE, c.phase());
      assertEchoes(c);
    } finally {
      Wait.get(c.close(), 20);
    }
  }

  /** A round trip through the server's echo on an already connected context. */
  void assertEchoes(ExecutionContext c) {
    assertEchoes(vertx, c);
  }

  /** The same, for a context of an engine on another Vert.x instance {@code v}. */
  void assertEchoes(Vertx v, ExecutionContext c) {
    Promise<String> echoed = Promise.promise();
    NotificationConsumer consumer = c.consumer(ECHO, m -> echoed.tryComplete(m.payload().toString()));
    Wait.get(consumer.completion(), 10);
    try {
      Wait.get(c.notify(0, ECHO, Buffer.buffer("still serving")), 10);
      assertEquals("still serving", Wait.get(echoed.future(), 10));
    } finally {
      Wait.get(consumer.unregister(), 10);
    }
  }

  /** Waits for a phase change matching {@code p}. */
  PhaseChange await(String what, Predicate<PhaseChange> p, long timeoutMs) {
    Await.until(() -> what + "; changes so far: " + changes, () -> changes.stream().anyMatch(p), timeoutMs,
        TimeUnit.MILLISECONDS);
    return changes.stream().filter(p).findFirst().orElseThrow();
  }

  /** Waits until no handshaking or half-open connection is left on the server. */
  void awaitNoLivePeersBut(long expectedLive, long timeoutMs) {
    Await.until(() -> "live peers " + peerRecords(), () -> livePeers() == expectedLive, timeoutMs,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    try {
      if (clients != null) {
        Wait.get(clients.close(), 30);
      }
      Wait.get(engine.close(), 30);
    } finally {
      Wait.get(vertx.close(), 30);
    }
  }
}
