package io.offload.cli;

import io.offload.topology.Topology;
import io.offload.context.ClientOptions;
import io.offload.topology.RankInfo;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.fault.FaultRank;
import io.offload.testkit.Jvm;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code offload service --job N} as processes: it exits 0 once its N ranks bootstrapped and
 * finalized, 6 when one was lost instead, and over a mesh every service process ends with the
 * job, also one that served no rank (told by its peer).
 */
class JobCliTest {

  @TempDir
  Path dir;
  Vertx vertx;
  final List<Jvm> jvms = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } finally {
      jvms.forEach(Jvm::close);
    }
  }

  private Jvm start(Jvm jvm) {
    jvms.add(jvm);
    return jvm;
  }

  @Test
  void serviceExitsZeroOnceItsRanksHaveBootstrappedAndFinalized() throws Exception {
    Jvm sp = start(Jvm.offload("sp", "service", "--port", "0", "--job", "2"));
    int port = sp.awaitListeningPort();
    Jvm r0 = start(Jvm.offload("rank0", "rank", "--connect", "127.0.0.1:" + port, "--rank", "0", "--size", "2",
        "--notifications", "10"));
    Jvm r1 = start(Jvm.offload("rank1", "rank", "--connect", "127.0.0.1:" + port, "--rank", "1", "--size", "2",
        "--notifications", "10"));
    assertEquals(0, r0.awaitExit(60, TimeUnit.SECONDS), r0.output());
    assertEquals(0, r1.awaitExit(60, TimeUnit.SECONDS), r1.output());
    assertEquals(OffloadCli.OK, sp.awaitExit(60, TimeUnit.SECONDS), "the job is over: exit 0\n" + sp.output());
    assertTrue(sp.lines().contains("job over: 2 of 2 ranks bootstrapped, 2 finalized, 0 lost"), sp.output());
  }

  @Test
  void aRankLostInsteadOfFinalizedEndsTheJobWithSix() throws Exception {
    Jvm sp = start(Jvm.offload("sp", "service", "--port", "0", "--job", "2", "--verbose"));
    int port = sp.awaitListeningPort();
    Jvm victim = start(Jvm.start("victim", FaultRank.class.getName(), List.of(String.valueOf(port), "0", "0", "2", "1",
        "idle")));
    victim.awaitLine(l -> l.startsWith("BOOTSTRAP_DONE"), 60, TimeUnit.SECONDS);
    // the service process has counted it (its last bootstrap frame may be in flight when the rank is done)
    sp.awaitLine(l -> l.contains("server-1/peer 0 UCX_CONNECT_DONE -> BOOTSTRAP_DONE"), 30, TimeUnit.SECONDS);
    victim.kill();
    victim.awaitExit(30, TimeUnit.SECONDS);
    OffloadEngine rank = OffloadEngine.create(vertx, new EngineOptions().setName("rank1")).await(30, TimeUnit.SECONDS);
    rank.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, 1, 2))).await(30, TimeUnit.SECONDS);
    assertTrue(sp.process().isAlive(), "one rank is still connected: the job is not over\n" + sp.output());
    rank.close().await(30, TimeUnit.SECONDS);
    assertEquals(OffloadCli.JOB_RANKS_LOST, sp.awaitExit(60, TimeUnit.SECONDS), sp.output());
    assertTrue(sp.lines().contains("job over: 2 of 2 ranks bootstrapped, 1 finalized, 1 lost"), sp.output());
  }

  @Test
  void everyServiceProcessOfTheMeshEndsWithTheJobAlsoOneThatServedNoRank() throws Exception {
    Topology topo = Topology.onLoopback(2, 1);
    Path file = dir.resolve("topology.json");
    Files.writeString(file, topo.toJson().encodePrettily());
    Jvm sp0 = start(Jvm.offload("sp0", "service", "--topology", file.toString(), "--id", "0", "--job", "2"));
    Jvm sp1 = start(Jvm.offload("sp1", "service", "--topology", file.toString(), "--id", "1", "--job", "2"));
    sp0.awaitListeningPort();
    sp1.awaitListeningPort();
    List<OffloadEngine> ranks = new ArrayList<>();
    for (int r = 0; r < 2; r++) { // both on host 0: service process 0 serves them
      RankInfo ri = new RankInfo(0, r, 2, r, 2, 0);
      OffloadEngine e = OffloadEngine.create(vertx, new EngineOptions().setName("rank" + r).setRankInfo(ri))
          .await(30, TimeUnit.SECONDS);
      e.connect(new ClientOptions().setPort(topo.serviceProcess(0).rankPort()).setRankInfo(ri).setConnectTimeout(
          java.time.Duration.ofSeconds(60))).await(90, TimeUnit.SECONDS);
      ranks.add(e);
    }
    for (OffloadEngine e : ranks) {
      e.close().await(30, TimeUnit.SECONDS);
    }
    long t0 = System.nanoTime();
    assertEquals(OffloadCli.OK, sp0.awaitExit(60, TimeUnit.SECONDS), sp0.output());
    long exit0 = System.nanoTime() - t0;
    assertEquals(OffloadCli.OK, sp1.awaitExit(60, TimeUnit.SECONDS), sp1.output());
    long exit1 = System.nanoTime() - t0;
    System.out.printf("last rank finalized -> exit: service process 0 %.1f ms, 1 (told over the mesh) %.1f ms%n",
        exit0 / 1e6, exit1 / 1e6);
    assertTrue(sp0.lines().contains("job over: 2 of 2 ranks bootstrapped, 2 finalized, 0 lost"), sp0.output());
    assertTrue(sp1.lines().contains("job over: 2 of 2 ranks bootstrapped, 2 finalized, 0 lost (told by service "
        + "process 0)"), "service process 1 served no rank: it learnt it over the mesh\n" + sp1.output());
  }
}
