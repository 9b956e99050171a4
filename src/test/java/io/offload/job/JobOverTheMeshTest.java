package io.offload.job;

import io.offload.topology.Topology;
import io.offload.context.ClientOptions;
import io.offload.topology.RankInfo;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two service processes of one mesh serve one job ({@code OffloadEngine.job}): the job is over
 * once its ranks bootstrapped and left, on both, also on a service process that served none of
 * them (it takes its peer's word over the mesh).
 */
class JobOverTheMeshTest {

  Vertx vertx;
  final List<ServiceProcessVerticle> sps = new ArrayList<>();
  final List<OffloadEngine> ranks = new ArrayList<>();
  Topology topology;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    topology = Topology.onLoopback(2, 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private void startServiceProcesses(int jobRanks) throws Exception {
    for (int id = 0; id < 2; id++) {
      startServiceProcess(id, jobRanks);
    }
    sps.get(0).mesh().clientsConnected().await(30, TimeUnit.SECONDS);
  }

  private ServiceProcessVerticle startServiceProcess(int id, int jobRanks) throws Exception {
    ServiceProcessVerticle v = new ServiceProcessVerticle();
    vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
        .put("engine", new JsonObject().put("name", "sp" + id)).put("topology", topology.toJson())
        .put("serviceProcessId", id).put("job", jobRanks))).await(30, TimeUnit.SECONDS);
    sps.add(v);
    return v;
  }

  /** Rank {@code rank} of a group of {@code size}, on host {@code host}, bootstrapped with its service process. */
  private OffloadEngine rank(int rank, int size, int localRank, int localSize, int host) throws Exception {
    RankInfo ri = new RankInfo(0, rank, size, localRank, localSize, host);
    OffloadEngine e = OffloadEngine.create(vertx, new EngineOptions().setName("rank" + rank).setRankInfo(ri))
        .await(30, TimeUnit.SECONDS);
    ranks.add(e);
    e.connect(new ClientOptions().setPort(topology.serviceProcess(topology.serviceProcessOf(ri)).rankPort())
        .setRankInfo(ri)).await(30, TimeUnit.SECONDS);
    return e;
  }

  @Test
  void shouldEndOnEveryServiceProcessOnceItsRanksFinalizedEvenOneThatServedNone() throws Exception {
    startServiceProcesses(3);
    Job served = sps.get(0).job();
    Job idle = sps.get(1).job();
    assertEquals(3, served.ranks());
    for (int r = 0; r < 3; r++) {
      rank(r, 3, r, 3, 0); // all on host 0: service process 0 serves them, 1 serves none
    }
    Future<JobStatus> overHere = served.over();
    Future<JobStatus> overThere = idle.over();
    // the server side's BOOTSTRAP_DONE may follow the client's by a moment
    Await.until(() -> "three ranks connected: " + served.status(), () -> served.status().live() == 3, 10,
        TimeUnit.SECONDS);
    assertFalse(overHere.isComplete() || overThere.isComplete(), "not over while ranks are connected");

    ranks.get(0).close().await(30, TimeUnit.SECONDS);
    ranks.get(1).close().await(30, TimeUnit.SECONDS);
    assertFalse(overHere.isComplete(), "one rank still connected: " + served.status());
    ranks.get(2).close().await(30, TimeUnit.SECONDS);

    JobStatus here = overHere.await(30, TimeUnit.SECONDS);
    JobStatus there = overThere.await(30, TimeUnit.SECONDS);
    assertEquals(new JobStatus(3, 3, 3, 0, 0, true, -1), here, "service process 0 saw it itself");
    assertEquals(new JobStatus(3, 3, 3, 0, 0, true, 0), there, "service process 1 was told by 0");
    assertTrue(here.clean() && there.clean());
    assertEquals(here, served.status());
    assertThrows(IllegalStateException.class, () -> sps.get(0).engine().job(3), "one job per engine");
  }

  @Test
  void shouldSumTheRanksOfEveryServiceProcess() throws Exception {
    startServiceProcesses(4);
    // two ranks on each host: each service process serves two
    rank(0, 4, 0, 2, 0);
    rank(1, 4, 1, 2, 0);
    rank(2, 4, 0, 2, 1);
    rank(3, 4, 1, 2, 1);
    Future<JobStatus> a = sps.get(0).job().over();
    Future<JobStatus> b = sps.get(1).job().over();
    for (int r = 0; r < 3; r++) {
      ranks.get(r).close().await(30, TimeUnit.SECONDS);
    }
    assertFalse(a.isComplete() || b.isComplete(), "rank 3 is still connected");
    ranks.get(3).close().await(30, TimeUnit.SECONDS);
    JobStatus sa = a.await(30, TimeUnit.SECONDS);
    JobStatus sb = b.await(30, TimeUnit.SECONDS);
    for (JobStatus s : List.of(sa, sb)) {
      assertTrue(s.over() && s.clean(), s.toString());
      assertEquals(4, s.bootstrapped(), s.toString());
      assertEquals(4, s.finalized(), s.toString());
    }
    assertTrue(sa.toldBy() == -1 || sb.toldBy() == -1, "one of them saw it itself: " + sa + " / " + sb);
  }

  @Test
  void shouldTellAServiceProcessWhoseLinkCameUpOnlyAfterTheJobEnded() throws Exception {
    Job served = startServiceProcess(0, 1).job(); // its mesh client retries: service process 1 is not there yet
    rank(0, 1, 0, 1, 0).close().await(30, TimeUnit.SECONDS);
    Await.until(() -> "over at 0: " + served.status(), () -> served.status().over(), 10, TimeUnit.SECONDS);
    Future<JobStatus> overHere = served.over();
    assertFalse(overHere.isComplete(), "service process 1 does not know yet");

    Job late = startServiceProcess(1, 1).job();
    assertEquals(new JobStatus(1, 1, 1, 0, 0, true, 0), late.over().await(30, TimeUnit.SECONDS),
        "told as soon as the link came up");
    assertEquals(new JobStatus(1, 1, 1, 0, 0, true, -1), overHere.await(30, TimeUnit.SECONDS));
  }

  @Test
  void shouldRefuseANonsensicalJob() throws Exception {
    OffloadEngine e = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
    try {
      assertThrows(IllegalArgumentException.class, () -> e.job(0));
      assertThrows(IllegalArgumentException.class, () -> e.job(1, 0));
      Job j = e.job(1);
      Future<JobStatus> over = j.over();
      e.close().await(30, TimeUnit.SECONDS);
      assertFalse(over.await(10, TimeUnit.SECONDS).over(), "closing the engine ends the wait, not the job");
    } finally {
      e.close().await(30, TimeUnit.SECONDS);
    }
  }
}
