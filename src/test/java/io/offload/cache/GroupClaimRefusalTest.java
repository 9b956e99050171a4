package io.offload.cache;

import io.offload.mesh.ServiceMesh;
import io.offload.topology.Topology;

import io.offload.cli.OffloadCli;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.testkit.Jvm;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank whose claim the cache cannot take is told at bootstrap, over real sockets and UCX:
 * a group above the maximum size (issue 16 item 1), a size that conflicts with a wrong early
 * claim, which pins the group only while its claimant is connected (issue 16 item 8).
 */
class GroupClaimRefusalTest {

  Vertx vertx;
  OffloadEngine sp;
  OffloadEngine ranks;
  int port;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    sp = OffloadEngine.create(vertx, new EngineOptions().setName("claim-sp")).await(30, TimeUnit.SECONDS);
    port = sp.listen(new ServerOptions().setPort(0).setServiceProcessId(0)).await(30, TimeUnit.SECONDS).localPort();
    ranks = OffloadEngine.create(vertx, new EngineOptions().setName("claim-ranks")).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  ExecutionContext connect(RankInfo r) {
    try {
      return ranks.connect(new ClientOptions().setPort(port).setRankInfo(r).setConnectTimeout(Duration.ofSeconds(10)))
          .await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer to " + r, e);
    }
  }

  static String refusal(Runnable connect) {
    Exception e = assertThrows(Exception.class, connect::run);
    return String.valueOf(e.getMessage());
  }

  @Test
  void aGroupAboveTheMaximumIsRefusedAndCostsNothing() {
    String why = refusal(() -> connect(new RankInfo(0, 5, 100_000_000, 0, 1, 0)));
    assertTrue(why.contains("exceeds the maximum group size 16777216"), why);
    assertEquals(0, sp.cache().groups().length);
    connect(new RankInfo(0, 0, 1, 0, 1, 0)); // the server serves everyone else
    Await.until("the rank is in the cache", () -> sp.cache().isComplete(0), 10, TimeUnit.SECONDS);
  }

  /**
   * Issue 16's attack with the maximum raised out of the way: four ranks claim groups of 10^8
   * and leave. The service process holds kilobytes while they are there, nothing after.
   */
  @Test
  void hugeClaimsCostKilobytesAndAreFreedWhenTheirRanksLeave() throws Exception {
    OffloadEngine big = OffloadEngine.create(vertx, new EngineOptions().setName("claim-big")
        .setCache(new CacheOptions().setMaxGroupSize(Integer.MAX_VALUE))).await(30, TimeUnit.SECONDS);
    int bigPort = big.listen(new ServerOptions().setPort(0).setServiceProcessId(0)).await(30, TimeUnit.SECONDS)
        .localPort();
    io.offload.cache.impl.CacheTables tables = ((io.offload.cache.impl.CacheService) big.cache()).tables();
    List<ExecutionContext> claims = new java.util.ArrayList<>();
    for (int g = 1; g <= 4; g++) {
      claims.add(ranks.connect(new ClientOptions().setPort(bigPort).setRankInfo(new RankInfo(g, g * 1000, 100_000_000,
          0, 1, 0)).setConnectTimeout(Duration.ofSeconds(10))).await(30, TimeUnit.SECONDS));
    }
    Await.until("four huge groups", () -> big.cache().groups().length == 4, 10, TimeUnit.SECONDS);
    long held = tables.bytes();
    assertTrue(held < 100_000, "4 claims of 10^8 hold " + held + " B (before: 4 x 1.6 GB)");
    for (ExecutionContext c : claims) {
      c.close().await(30, TimeUnit.SECONDS);
    }
    Await.until("every group freed", () -> big.cache().groups().length == 0, 10, TimeUnit.SECONDS);
    assertEquals(0, tables.bytes());
  }

  @Test
  void aConflictingRankIsToldAndTheWrongClaimStopsPinningOnceItsClaimantLeft() throws Exception {
    ExecutionContext wrong = connect(new RankInfo(0, 3, 8, 3, 8, 0));
    Await.until("the wrong claim is in the cache", () -> sp.cache().contains(0, 3), 10, TimeUnit.SECONDS);
    String why = refusal(() -> connect(new RankInfo(0, 1, 4, 1, 4, 0)));
    assertTrue(why.contains("group 0 has size 8 here") && why.contains("claims size 4"), why);

    wrong.close().await(30, TimeUnit.SECONDS);
    Await.until("the group of the wrong claim is freed", () -> sp.cache().groups().length == 0, 10, TimeUnit.SECONDS);
    for (int r = 0; r < 4; r++) {
      connect(new RankInfo(0, r, 4, r, 4, 0));
    }
    Await.until("the real group is whole", () -> sp.cache().isComplete(0), 10, TimeUnit.SECONDS);
    assertEquals(4, sp.cache().groupSize(0));
  }

  /**
   * Two service processes admit conflicting claims before their mesh link is up, so each drops
   * the other's entry. Once the wrong claimant leaves, the group must still fill: the service
   * process that held the legitimate entry sends it again.
   */
  @Test
  void aConflictAcrossTheMeshHealsOnceTheWrongClaimantLeft() throws Exception {
    Topology topo = Topology.onLoopback(2, 1);
    OffloadEngine sp1 = OffloadEngine.create(vertx, new EngineOptions().setName("claim-sp1")).await(30, TimeUnit.SECONDS);
    int port1 = sp1.listen(new ServerOptions().setPort(0).setServiceProcessId(1)).await(30, TimeUnit.SECONDS)
        .localPort();
    ExecutionContext wrong = connect(new RankInfo(0, 3, 8, 0, 1, 0)); // at service process 0
    ranks.connect(new ClientOptions().setPort(port1).setRankInfo(new RankInfo(0, 1, 2, 0, 1, 1))
        .setConnectTimeout(Duration.ofSeconds(10))).await(30, TimeUnit.SECONDS);
    Await.until("both claims are in", () -> sp.cache().contains(0, 3) && sp1.cache().contains(0, 1), 10,
        TimeUnit.SECONDS);

    ServiceMesh m0 = ServiceMesh.start(sp, topo, 0, null, Duration.ofSeconds(30)).await(30, TimeUnit.SECONDS);
    ServiceMesh.start(sp1, topo, 1, null, Duration.ofSeconds(30)).await(30, TimeUnit.SECONDS);
    m0.clientsConnected().await(30, TimeUnit.SECONDS);
    Await.until("the mesh link is up at both ends", () -> sp.cache().findHandle(1).isPresent()
        && sp1.cache().findHandle(0).isPresent(), 10, TimeUnit.SECONDS);
    assertEquals(8, sp.cache().groupSize(0), "the conflicting entry was dropped");
    assertEquals(2, sp1.cache().groupSize(0));

    wrong.close().await(30, TimeUnit.SECONDS);
    Await.until("service process 0 learns rank 1 again", () -> sp.cache().contains(0, 1), 10, TimeUnit.SECONDS);
    connect(new RankInfo(0, 0, 2, 0, 1, 0));
    Await.until("the group is whole at both", () -> sp.cache().isComplete(0) && sp1.cache().isComplete(0), 10,
        TimeUnit.SECONDS);
    assertEquals(sp.cache().digest(0), sp1.cache().digest(0));
  }

  @Test
  void offloadRankExitsOneWithTheReason() throws Exception {
    connect(new RankInfo(0, 3, 8, 3, 8, 0));
    Await.until("the wrong claim is in the cache", () -> sp.cache().contains(0, 3), 10, TimeUnit.SECONDS);
    for (String[] args : List.of(new String[] {"--rank", "1", "--size", "4"},
        new String[] {"--rank", "7", "--size", "100000000"})) {
      try (Jvm rank = Jvm.offload("refused-rank", "rank", "--connect", "127.0.0.1:" + port, args[0], args[1], args[2],
          args[3])) {
        assertEquals(OffloadCli.FAILED, rank.awaitExit(60, TimeUnit.SECONDS), rank.output());
        String expected = args[3].equals("4") ? "conflicting claim" : "exceeds the maximum group size";
        assertTrue(rank.output().contains(expected), rank.output());
      }
    }
  }
}
