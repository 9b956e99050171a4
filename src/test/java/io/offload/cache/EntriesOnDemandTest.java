package io.offload.cache;

import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;

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
 * Entries on demand over real UCX (2 hosts, one service process each, a world of 8 of which 7
 * are up): a rank fetches an entry its service process knows, then one nobody knows yet, which
 * arrives when its rank bootstraps on the other host; a service process fetches the same way.
 */
class EntriesOnDemandTest {

  static final long WAIT = 30;

  @Test
  void aLookupOfAnEntryNotKnownYetReturnsAFutureAndFetchesIt() throws Exception {
    Topology topo = Topology.onLoopback(2, 1);
    RankInfo[] world = topo.placeBlock(0, 8); // ranks 0..3 on host 0 (sp0), 4..7 on host 1 (sp1)
    Vertx vertx = Vertx.vertx();
    try {
      List<ServiceProcessVerticle> sps = new ArrayList<>();
      List<Future<String>> up = new ArrayList<>();
      for (ServiceProcessSpec s : topo.serviceProcesses()) {
        ServiceProcessVerticle v = new ServiceProcessVerticle();
        sps.add(v);
        up.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
            .put("topology", topo.toJson()).put("serviceProcessId", s.globalId()))));
      }
      List<RankVerticle> ranks = new ArrayList<>();
      for (int r = 0; r < 7; r++) {
        RankVerticle v = new RankVerticle();
        ranks.add(v);
        up.add(deploy(vertx, v, topo, world[r]));
      }
      Future.all(up).await(WAIT, TimeUnit.SECONDS);
      for (ServiceProcessVerticle sp : sps) {
        Await.until(sp.engine().id() + " knows 7 entries", () -> sp.engine().cache().knownMembers(0) == 7, WAIT,
            TimeUnit.SECONDS);
      }
      OffloadEngine rank0 = ranks.get(0).engine();
      assertFalse(rank0.cache().contains(0, 5), "the group is not whole: the rank has no entries yet");
      assertThrows(CacheMissException.class, () -> rank0.cache().serviceProcessOf(0, 5));

      // known at its service process (through the mesh): fetched at once, then in the cache
      assertEquals(1, rank0.cache().fetchServiceProcessOf(0, 5).await(WAIT, TimeUnit.SECONDS));
      assertEquals(1, rank0.cache().serviceProcessOf(0, 5));
      assertEquals(world[5], rank0.cache().rankInfo(0, 5).orElseThrow());
      assertThrows(CacheMissException.class, () -> rank0.cache().serviceProcessOf(0, 6), "only what was fetched");

      // known nowhere yet: the futures wait for the entry, however it comes
      Future<Integer> byRank = rank0.cache().fetchServiceProcessOf(0, 7);
      Future<Integer> bySp = sps.get(0).engine().cache().fetchServiceProcessOf(0, 7);
      assertFalse(byRank.isComplete());
      assertFalse(bySp.isComplete());
      RankVerticle last = new RankVerticle();
      deploy(vertx, last, topo, world[7]).await(WAIT, TimeUnit.SECONDS);
      assertEquals(1, byRank.await(WAIT, TimeUnit.SECONDS));
      assertEquals(1, bySp.await(WAIT, TimeUnit.SECONDS));
      Await.until("rank 0 gets the whole group", () -> rank0.cache().isComplete(0), WAIT, TimeUnit.SECONDS);
      assertEquals(CacheDigest.expected(topo, world), rank0.cache().digest(0));
      assertTrue(rank0.cache().fetchServiceProcessOf(0, 2).isComplete(), "a known entry answers at once");

      // known only at the other service process (added there by the application): asked over the mesh
      OffloadEngine sp1 = sps.get(1).engine();
      sp1.cache().add(new RankInfo(11, 3, 5, 0, 1, 1), 0, 1).await(WAIT, TimeUnit.SECONDS);
      assertFalse(sps.get(0).engine().cache().contains(11, 3));
      assertEquals(1, rank0.cache().fetchServiceProcessOf(11, 3).await(WAIT, TimeUnit.SECONDS));
      assertEquals(new RankInfo(11, 3, 5, 0, 1, 1), rank0.cache().rankInfo(11, 3).orElseThrow());
      assertTrue(sps.get(0).engine().cache().contains(11, 3), "the service process in between keeps it too");
    } finally {
      vertx.close().await(WAIT, TimeUnit.SECONDS);
    }
  }

  static Future<String> deploy(Vertx vertx, RankVerticle v, Topology topo, RankInfo r) {
    return vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
        .put("topology", topo.toJson()).put("waitForCache", false).put("notifications", 0)
        .put("client", new JsonObject().put("rank", new JsonObject().put("groupId", 0).put("rank", r.rank())
            .put("groupSize", r.groupSize()).put("localRank", r.localRank()).put("localSize", r.localSize())
            .put("hostId", r.hostId())))));
  }
}
