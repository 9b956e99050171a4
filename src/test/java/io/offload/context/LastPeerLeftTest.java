package io.offload.context;

import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server knows when its last client has left ({@code lastPeerLeft()}), and how each left
 * ({@code Peer.departure()}, {@code PhaseChange.departure()}); a client knows when its server has.
 */
class LastPeerLeftTest {

  Vertx vertx;
  OffloadEngine sp;
  final List<OffloadEngine> ranks = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (OffloadEngine e : ranks) {
      e.close().await(30, TimeUnit.SECONDS);
    }
    if (sp != null) {
      sp.close().await(30, TimeUnit.SECONDS);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private ExecutionContext connect(ExecutionContext server, int rank) throws Exception {
    OffloadEngine e = OffloadEngine.create(vertx, new EngineOptions().setName("r" + rank)).await(30, TimeUnit.SECONDS);
    ranks.add(e);
    return e.connect(new ClientOptions().setPort(server.localPort()).setRankInfo(RankInfo.of(0, rank, 4)))
        .await(30, TimeUnit.SECONDS);
  }

  private static void awaitPhase(ExecutionContext server, int peer, BootstrapPhase phase) {
    Await.until("peer " + peer + " " + phase, () -> server.phase(peer) == phase, 10, TimeUnit.SECONDS);
  }

  @Test
  void shouldCompleteWhenTheLastBootstrappedClientHasLeftAndSayHowEachLeft() throws Exception {
    sp = OffloadEngine.create(vertx, new EngineOptions().setName("sp")).await(30, TimeUnit.SECONDS);
    ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
    Future<Void> beforeAny = server.lastPeerLeft();
    ExecutionContext a = connect(server, 0);
    ExecutionContext b = connect(server, 1);
    Future<Void> whileTwo = server.lastPeerLeft();
    assertFalse(beforeAny.isComplete(), "no client has left yet");
    assertFalse(whileTwo.isComplete());

    a.close().await(10, TimeUnit.SECONDS);
    awaitPhase(server, 0, BootstrapPhase.DISCONNECTED);
    assertFalse(whileTwo.isComplete(), "one client is still there");
    assertEquals(Departure.FINALIZED, server.peer(0).orElseThrow().departure().orElseThrow());
    assertTrue(server.peer(1).orElseThrow().departure().isEmpty(), "a live peer has not left");

    b.close().await(10, TimeUnit.SECONDS);
    whileTwo.await(10, TimeUnit.SECONDS);
    beforeAny.await(10, TimeUnit.SECONDS);
    assertEquals(Departure.FINALIZED, server.peer(1).orElseThrow().departure().orElseThrow());
    assertTrue(server.lastPeerLeft().isComplete(), "idle after serving: at once");

    // a new client: a new wait, until it goes too (its whole engine closing)
    connect(server, 2);
    awaitPhase(server, 2, BootstrapPhase.BOOTSTRAP_DONE); // the client may finish before the server has counted it
    Future<Void> third = server.lastPeerLeft();
    assertFalse(third.isComplete());
    ranks.get(2).close().await(30, TimeUnit.SECONDS);
    third.await(10, TimeUnit.SECONDS);
    assertEquals(Departure.FINALIZED, server.peer(2).orElseThrow().departure().orElseThrow(),
        "an engine closing finalizes its contexts");
  }

  @Test
  void shouldTellAClientItsServerLeftAndTheServerHowItEndedItsPeers() throws Exception {
    sp = OffloadEngine.create(vertx, new EngineOptions().setName("sp")).await(30, TimeUnit.SECONDS);
    List<PhaseChange> serverSide = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PhaseChange>localConsumer(sp.phaseAddress(), m -> serverSide.add(m.body())).completion()
        .await(10, TimeUnit.SECONDS);
    ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
    ExecutionContext client = connect(server, 0);
    Future<Void> serverGone = client.lastPeerLeft();
    assertFalse(serverGone.isComplete());

    server.close().await(10, TimeUnit.SECONDS);
    serverGone.await(10, TimeUnit.SECONDS);
    assertEquals(Departure.FINALIZED, client.peer(0).orElseThrow().departure().orElseThrow(),
        "the server's termination arrived");
    assertTrue(server.lastPeerLeft().isComplete(), "a closed server has no client left");
    Await.until("the server's own view of the end", () -> serverSide.stream()
        .anyMatch(c -> c.peerId() == 0 && c.to() == BootstrapPhase.DISCONNECTED), 10, TimeUnit.SECONDS);
    PhaseChange end = serverSide.stream().filter(c -> c.peerId() == 0 && c.to() == BootstrapPhase.DISCONNECTED)
        .findFirst().orElseThrow();
    assertEquals(Departure.CLOSED, end.departure(), "this side closed it: " + end);
    assertTrue(serverSide.stream().filter(c -> c.to() != BootstrapPhase.DISCONNECTED).allMatch(c -> c.departure() == null),
        "only a departure has one");

    Future<Void> self = sp.self().lastPeerLeft();
    assertTrue(self.failed());
    assertInstanceOf(IllegalStateException.class, self.cause());
  }
}
