package io.offload.cache;

import io.offload.topology.Topology;

import io.offload.context.ExecutionContext;
import io.offload.context.Peer;
import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Application-driven fill over real UCX (one host, one service process, two ranks): a rank adds
 * entries it knows from its own wire-up and sends the group to its service process, which sends
 * its whole cache to the other rank.
 */
class ApplicationFillTest {

  static final long WAIT = 30;

  @Test
  void aRankAddsWhatItKnowsAndSendsItOnAndTheServiceProcessPassesItsCacheToAnotherRank() throws Exception {
    Topology topo = Topology.onLoopback(1, 1);
    RankInfo[] world = topo.placeBlock(0, 2);
    Vertx vertx = Vertx.vertx();
    try {
      ServiceProcessVerticle sp = new ServiceProcessVerticle();
      List<RankVerticle> ranks = List.of(new RankVerticle(), new RankVerticle());
      List<Future<String>> up = new ArrayList<>();
      up.add(vertx.deployVerticle(sp, new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topo.toJson()).put("serviceProcessId", 0))));
      for (int r = 0; r < 2; r++) {
        up.add(EntriesOnDemandTest.deploy(vertx, ranks.get(r), topo, world[r]));
      }
      Future.all(up).await(WAIT, TimeUnit.SECONDS);
      OffloadEngine rank0 = ranks.get(0).engine();
      OffloadEngine rank1 = ranks.get(1).engine();

      // group 9, known to the application: 3 ranks on hosts 4 and 5, served by 7 and 8
      RankInfo[] app = {new RankInfo(9, 0, 3, 0, 2, 4), new RankInfo(9, 1, 3, 1, 2, 4), new RankInfo(9, 2, 3, 0, 1, 5)};
      int[] servedBy = {7, 7, 8};
      for (int i = 0; i < 3; i++) {
        EntryOutcome o = rank0.cache().add(app[i], 1, servedBy[i]).await(WAIT, TimeUnit.SECONDS);
        assertEquals(i == 2 ? EntryOutcome.COMPLETED : EntryOutcome.ADDED, o);
      }
      assertEquals(EntryOutcome.CONFLICT, rank0.cache().add(new RankInfo(9, 0, 4, 0, 1, 4), 1, 7)
          .await(WAIT, TimeUnit.SECONDS));
      assertTrue(rank0.cache().isComplete(9));
      assertEquals(List.of(0, 1), rank0.cache().ranksOnHost(9, 4).stream().boxed().toList());
      String digest = rank0.cache().digest(9);

      // to its service process, over its client context
      rank0.cache().send(9, ranks.get(0).client(), 0).await(WAIT, TimeUnit.SECONDS);
      OffloadEngine spe = sp.engine();
      Await.until("the service process has group 9", () -> spe.cache().isComplete(9), WAIT, TimeUnit.SECONDS);
      assertEquals(digest, spe.cache().digest(9));
      assertEquals(8, spe.cache().serviceProcessOf(9, 2));

      // the service process sends its whole cache to rank 1
      ExecutionContext server = sp.server();
      Peer toRank1 = server.peers().stream().filter(p -> p.rankInfo().map(ri -> ri.rank() == 1).orElse(false))
          .findFirst().orElseThrow();
      assertFalse(rank1.cache().isComplete(9));
      spe.cache().send(-1, server, toRank1.id()).await(WAIT, TimeUnit.SECONDS);
      Await.until("rank 1 has group 9", () -> rank1.cache().isComplete(9), WAIT, TimeUnit.SECONDS);
      assertEquals(digest, rank1.cache().digest(9));
      assertEquals(CacheDigest.expected(topo, world), rank1.cache().digest(0), "and the world group");

      Exception none = assertThrows(Exception.class, () -> rank1.cache().send(42, ranks.get(1).client(), 0)
          .await(WAIT, TimeUnit.SECONDS));
      assertTrue(none.getMessage().contains("group 42 has no entries here"), none.getMessage());
    } finally {
      vertx.close().await(WAIT, TimeUnit.SECONDS);
    }
  }
}
