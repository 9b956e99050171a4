package io.offload.cache;

import io.offload.engine.OffloadEngine;
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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any service process reachable from a rank, over real UCX: two hosts, one service process each
 * (each with a memory region), ranks 0, 1 on host 0 and 2, 3 on host 1. Every rank gets the
 * directory of both service processes; rank 0, served by service process 0, links to service
 * process 1 on first use through the cache, exchanges a notification with it and writes into its
 * region, and service process 1 still serves only its own ranks.
 */
class ReachAnyServiceProcessTest {

  static final long WAIT = 30;
  private Vertx vertx;

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().await(WAIT, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRankReachesAServiceProcessThatDoesNotServeItThroughItsHandle() throws Exception {
    vertx = Vertx.vertx();
    Topology topo = Topology.onLoopback(2, 1);
    RankInfo[] world = topo.placeBlock(0, 4);
    List<ServiceProcessVerticle> sps = new ArrayList<>();
    List<Future<String>> up = new ArrayList<>();
    for (ServiceProcessSpec s : topo.serviceProcesses()) {
      ServiceProcessVerticle v = new ServiceProcessVerticle();
      sps.add(v);
      up.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topo.toJson()).put("serviceProcessId", s.globalId()).put("memoryRegionBytes", 64))));
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
    Future.all(up).await(WAIT, TimeUnit.SECONDS); // every cache whole
    OffloadEngine rank0 = ranks.get(0).engine();

    // the directory: both service processes, where to reach them
    for (RankVerticle r : ranks) {
      List<ServiceProcessAddress> dir = r.engine().cache().directory();
      assertEquals(2, dir.size(), dir.toString());
      for (ServiceProcessSpec s : topo.serviceProcesses()) {
        assertEquals(new ServiceProcessAddress(s.globalId(), s.hostId(), s.address(), s.rankPort()),
            dir.get(s.globalId()));
      }
    }

    // not linked yet: the synchronous lookup says how to link
    assertEquals(1, rank0.cache().serviceProcessOf(0, 3));
    CacheMissException notYet = assertThrows(CacheMissException.class, () -> rank0.cache().handleOf(0, 3));
    assertTrue(notYet.getMessage().contains("connectHandle"), notYet.getMessage());

    Handle h = rank0.cache().connectHandle(1).await(WAIT, TimeUnit.SECONDS);
    assertEquals(1, h.serviceProcessId());
    assertTrue(h.region().isPresent(), "the handle carries service process 1's region");
    assertSame(h.context(), rank0.cache().handleOf(0, 3).context(), "now linked: the lookup answers");
    assertSame(h, rank0.cache().connectHandle(1).await(WAIT, TimeUnit.SECONDS), "linked once");

    // a notification to service process 1 and its echo back, over the new link
    Promise<String> echo = Promise.promise();
    h.context().consumer(Echo.TYPE, n -> echo.tryComplete(n.payload().toString())).completion()
        .await(WAIT, TimeUnit.SECONDS);
    h.context().notify(h.peerId(), Echo.TYPE, Buffer.buffer("rank 0 via its handle of service process 1"));
    assertEquals("rank 0 via its handle of service process 1", echo.future().await(WAIT, TimeUnit.SECONDS));

    // one-sided: a put into service process 1's region, read back with a get
    byte[] text = "put by rank 0".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer src = ByteBuffer.allocateDirect(text.length).put(text).flip();
    h.put(8, src).await(WAIT, TimeUnit.SECONDS);
    byte[] atSp1 = new byte[text.length];
    sps.get(1).region().get(8, atSp1);
    assertEquals("put by rank 0", new String(atSp1, StandardCharsets.US_ASCII));
    ByteBuffer back = ByteBuffer.allocateDirect(text.length);
    h.get(8, back).await(WAIT, TimeUnit.SECONDS);
    assertEquals(ByteBuffer.wrap(text), back.rewind());

    // service process 1 serves what it served: the link-only rank is no member there
    OffloadEngine sp1 = sps.get(1).engine();
    assertEquals(4, sp1.cache().knownMembers(0));
    assertEquals(0, sp1.cache().serviceProcessOf(0, 0));
    assertEquals(CacheDigest.expected(topo, world), sp1.cache().digest(0));

    // a service process not in the directory
    ExecutionException none = assertThrows(ExecutionException.class, () -> rank0.cache().connectHandle(5)
        .toCompletionStage().toCompletableFuture().get(WAIT, TimeUnit.SECONDS));
    assertInstanceOf(CacheMissException.class, none.getCause());
    assertTrue(none.getCause().getMessage().contains("not in the directory here (it lists [0, 1])"),
        none.getCause().getMessage());

    // a service process reaches the others through the mesh: its handle is there at once
    assertEquals(1, sps.get(0).engine().cache().connectHandle(1).await(WAIT, TimeUnit.SECONDS).serviceProcessId());
  }
}
