package io.offload.cache;

import io.offload.topology.RankInfo;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.engine.OffloadEngine;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRequest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rank-to-rank endpoints through the cache (GET_CLIENT_BY_RANK) over real UCX: two hosts, one
 * service process each, ranks 0, 1 on host 0 and 2, 3 on host 1. Ranks served by different
 * service processes exchange tagged messages over the endpoints the cache gives them; with the
 * option off at the service processes, the request fails saying so.
 */
class RankToRankEndpointTest {

  static final long WAIT = 30;
  private Vertx vertx;

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().await(WAIT, TimeUnit.SECONDS);
    }
  }

  /** Four ranks over two service processes, the whole group in every cache. */
  private List<OffloadEngine> job(boolean rankAddresses) throws Exception {
    vertx = Vertx.vertx();
    Topology topo = Topology.onLoopback(2, 1);
    List<Future<String>> sps = new ArrayList<>();
    for (ServiceProcessSpec s : topo.serviceProcesses()) {
      sps.add(vertx.deployVerticle(new ServiceProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topo.toJson()).put("serviceProcessId", s.globalId())
          .put("engine", new JsonObject().put("rankAddresses", rankAddresses)))));
    }
    Future.all(sps).await(WAIT, TimeUnit.SECONDS);
    List<RankVerticle> ranks = new ArrayList<>();
    List<Future<String>> up = new ArrayList<>();
    for (RankInfo r : topo.placeBlock(0, 4)) {
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      up.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topo.toJson()).put("client", new JsonObject().put("rank", r.toJson())))));
    }
    Future.all(up).await(WAIT, TimeUnit.SECONDS); // each waits for the whole group
    List<OffloadEngine> engines = new ArrayList<>();
    ranks.forEach(v -> engines.add(v.engine()));
    return engines;
  }

  @Test
  void ranksOfDifferentServiceProcessesExchangeTaggedMessagesOverTheirCacheEndpoints() throws Exception {
    List<OffloadEngine> rank = job(true);
    assertEquals(0, rank.get(0).cache().serviceProcessOf(0, 0));
    assertEquals(1, rank.get(0).cache().serviceProcessOf(0, 3));

    UcpEndpoint to3 = rank.get(0).cache().rankEndpoint(0, 3).await(WAIT, TimeUnit.SECONDS);
    Future<String> at3 = receive(rank.get(3), 0x77, 32);
    send(rank.get(0), to3, 0x77, "from rank 0 to rank 3");
    assertEquals("from rank 0 to rank 3", at3.await(WAIT, TimeUnit.SECONDS));

    // the other way: rank 3's service process asks rank 0's
    UcpEndpoint to0 = rank.get(3).cache().rankEndpoint(0, 0).await(WAIT, TimeUnit.SECONDS);
    Future<String> at0 = receive(rank.get(0), 0x78, 32);
    send(rank.get(3), to0, 0x78, "and back to rank 0");
    assertEquals("and back to rank 0", at0.await(WAIT, TimeUnit.SECONDS));

    // a rank of the same service process, answered by it directly; each remote worker one endpoint
    UcpEndpoint from1 = rank.get(1).cache().rankEndpoint(0, 2).await(WAIT, TimeUnit.SECONDS);
    Future<String> at2 = receive(rank.get(2), 0x79, 32);
    send(rank.get(1), from1, 0x79, "rank 1 to rank 2");
    assertEquals("rank 1 to rank 2", at2.await(WAIT, TimeUnit.SECONDS));
    assertSame(to3, rank.get(0).cache().rankEndpoint(0, 3).await(WAIT, TimeUnit.SECONDS), "kept, not made again");
    assertNotSame(to3, rank.get(0).cache().rankEndpoint(0, 2).await(WAIT, TimeUnit.SECONDS));

    // several misses at once (one request) all complete
    List<Future<UcpEndpoint>> all = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      all.add(rank.get(2).cache().rankEndpoint(0, r));
    }
    Future.all(all).await(WAIT, TimeUnit.SECONDS);

    ExecutionException outside = assertThrows(ExecutionException.class,
        () -> rank.get(0).cache().rankEndpoint(0, 4).toCompletionStage().toCompletableFuture().get(WAIT, TimeUnit.SECONDS));
    assertInstanceOf(CacheMissException.class, outside.getCause());
    assertTrue(outside.getCause().getMessage().contains("outside group 0 of size 4"), outside.getCause().getMessage());
  }

  @Test
  void withoutTheOptionOnTheServiceProcessesTheRequestFailsSayingSo() throws Exception {
    List<OffloadEngine> rank = job(false);
    for (int target : new int[] {1, 3}) { // a rank of the same service process, and of the other one
      ExecutionException e = assertThrows(ExecutionException.class, () -> rank.get(0).cache().rankEndpoint(0, target)
          .toCompletionStage().toCompletableFuture().get(WAIT, TimeUnit.SECONDS));
      assertInstanceOf(CacheMissException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("setRankAddresses(true)"), e.getCause().getMessage());
    }
  }

  /** Posts a tagged receive on the engine's worker (on its UCX thread); completes with the text received. */
  static Future<String> receive(OffloadEngine e, long tag, int bytes) throws Exception {
    Promise<String> got = Promise.promise();
    Promise<Void> posted = Promise.promise();
    ByteBuffer in = ByteBuffer.allocateDirect(bytes);
    e.ucxContext().runOnContext(v -> {
      e.ucpWorker().recvTaggedNonBlocking(in, tag, -1L, new UcxCallback() {
        @Override
        public void onSuccess(UcpRequest request) {
          byte[] b = new byte[(int) request.getRecvSize()];
          in.get(b);
          got.tryComplete(new String(b, StandardCharsets.UTF_8));
        }

        @Override
        public void onError(int status, String message) {
          got.tryFail(message);
        }
      });
      posted.complete();
    });
    posted.future().await(WAIT, TimeUnit.SECONDS);
    return got.future();
  }

  /** Sends {@code text} with {@code tag} on {@code ep}, from the engine's UCX thread. */
  static void send(OffloadEngine e, UcpEndpoint ep, long tag, String text) {
    ByteBuffer out = ByteBuffer.allocateDirect(text.length());
    out.put(text.getBytes(StandardCharsets.UTF_8)).flip();
    e.ucxContext().runOnContext(v -> ep.sendTaggedNonBlocking(out, tag, new UcxCallback()));
  }
}
