package io.offload.cache;

import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.topology.RankInfo;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.verticles.Echo;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Several service processes per rank (the C original's shadow service processes) over real UCX:
 * two hosts of two service processes each, a topology with {@code serviceProcessesPerRank} 2,
 * eight ranks. Each rank is known to its primary and one shadow of its host; every cache answers
 * both by index and agrees with the topology; a rank reaches its shadow through the cache; a lost
 * shadow link takes only the shadow out of every cache.
 */
class ShadowServiceProcessesTest {

  static final long WAIT = 30;
  private Vertx vertx;

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().await(WAIT, TimeUnit.SECONDS);
    }
  }

  @Test
  void eachRankIsKnownToAPrimaryAndAShadowAndLookupsTakeTheIndex() throws Exception {
    vertx = Vertx.vertx();
    Topology topo = Topology.onLoopback(2, 2).withServiceProcessesPerRank(2);
    RankInfo[] world = topo.placeBlock(0, 8); // 4 ranks per host
    List<ServiceProcessVerticle> sps = new ArrayList<>();
    List<Future<String>> up = new ArrayList<>();
    for (ServiceProcessSpec s : topo.serviceProcesses()) {
      ServiceProcessVerticle v = new ServiceProcessVerticle();
      sps.add(v);
      up.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topo.toJson()).put("serviceProcessId", s.globalId()))));
    }
    Future.all(up).await(WAIT, TimeUnit.SECONDS);
    List<RankVerticle> ranks = new ArrayList<>();
    up.clear();
    for (RankInfo r : world) {
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      up.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topo.toJson()).put("client", new JsonObject().put("rank", r.toJson())))));
    }
    Future.all(up).await(WAIT, TimeUnit.SECONDS); // each waits for the whole group, shadows included

    List<OffloadEngine> all = new ArrayList<>();
    sps.forEach(v -> all.add(v.engine()));
    ranks.forEach(v -> all.add(v.engine()));
    String expected = CacheDigest.expected(topo, world);
    for (OffloadEngine e : all) {
      Await.until(e.id() + " has the whole group", () -> e.cache().isComplete(0), WAIT, TimeUnit.SECONDS);
      GroupCache c = e.cache();
      assertEquals(2, c.serviceProcessesPerRank(0));
      for (RankInfo r : world) {
        List<ServiceProcessSpec> its = topo.serviceProcessesFor(r.hostId(), r.localRank());
        assertEquals(its.get(0).globalId(), c.serviceProcessOf(0, r.rank(), 0), e.id() + " rank " + r.rank());
        assertEquals(its.get(0).globalId(), c.serviceProcessOf(0, r.rank()), "index 0 is the primary");
        assertEquals(its.get(1).globalId(), c.serviceProcessOf(0, r.rank(), 1), e.id() + " rank " + r.rank());
        assertFalse(its.get(0).globalId() == its.get(1).globalId());
      }
      assertThrows(CacheMissException.class, () -> c.serviceProcessOf(0, 0, 2), "no third one");
      assertEquals(expected, c.digest(0), e.id());
      // by host and by position: primaries
      assertEquals(List.of(0, 2), List.of(c.ranksServedBy(0, 0).get(0), c.ranksServedBy(0, 0).get(1)));
      assertEquals(4, c.serviceProcesses(0).size());
    }

    // rank 1 (host 0, local 1): primary service process 1, shadow 0; both reached directly
    RankVerticle rank1 = ranks.get(1);
    Handle shadow = rank1.engine().cache().handleOf(0, 1, 1);
    assertEquals(0, shadow.serviceProcessId());
    assertSame(rank1.shadows().get(0), shadow.context(), "the rank's own link to its shadow");
    assertSame(rank1.client(), rank1.engine().cache().handleOf(0, 1, 0).context());
    Promise<String> echo = Promise.promise();
    shadow.context().consumer(Echo.TYPE, n -> echo.tryComplete(n.payload().toString())).completion()
        .await(WAIT, TimeUnit.SECONDS);
    shadow.context().notify(shadow.peerId(), Echo.TYPE, Buffer.buffer("to my shadow"));
    assertEquals("to my shadow", echo.future().await(WAIT, TimeUnit.SECONDS));

    // rank 1's shadow link goes: every cache drops that shadow, and only it
    rank1.shadows().get(0).close().await(WAIT, TimeUnit.SECONDS);
    for (OffloadEngine e : all) {
      if (e == rank1.engine()) {
        continue; // the rank itself learns from its service process, which no longer reports it whole
      }
      Await.until(e.id() + " drops rank 1's shadow", () -> !e.cache().isComplete(0), WAIT, TimeUnit.SECONDS);
      assertThrows(CacheMissException.class, () -> e.cache().serviceProcessOf(0, 1, 1));
      assertEquals(1, e.cache().serviceProcessOf(0, 1), "its primary stays");
      assertEquals(8, e.cache().knownMembers(0));
    }
  }
}
