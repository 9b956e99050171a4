package io.offload.mesh;

import io.offload.cache.CacheDigest;
import io.offload.context.ClientOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Jvm;
import io.offload.topology.RankInfo;
import io.offload.topology.Topology;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A mesh that heals: three service processes ({@code offload service --topology F --id N}, a JVM
 * each, one per "host"), ranks on hosts 0 and 2 (engines in this JVM). Service process 1 serves
 * no rank, so its cache is whole only through both of its mesh links: to 0 (0 is its client) and
 * to 2 (it is 2's client). It starts last, then is killed ({@code kill -9}) and started again on
 * the same address: 0 must link to it again, it links to 2 again, and its new cache must be whole
 * again. Prints how long each took from its listening line (the first join is the baseline).
 */
class MeshHealingCrossJvmTest {

  static final int RANKS = 4;

  @TempDir
  Path dir;
  Vertx vertx;
  final List<Jvm> jvms = new ArrayList<>();
  final List<OffloadEngine> ranks = new ArrayList<>();

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

  private Jvm serviceProcess(Path file, int id) {
    Jvm sp = Jvm.offload("sp" + id + "-" + jvms.size(), "service", "--topology", file.toString(), "--id",
        Integer.toString(id));
    jvms.add(sp);
    return sp;
  }

  @Test
  void aKilledAndRestartedServiceProcessRejoinsTheMeshAndItsCacheIsWholeAgain() throws Exception {
    Topology topo = Topology.onLoopback(3, 1);
    Path file = dir.resolve("topology.json");
    Files.writeString(file, topo.toJson().encodePrettily());
    Jvm sp0 = serviceProcess(file, 0);
    Jvm sp2 = serviceProcess(file, 2);
    for (Jvm sp : List.of(sp0, sp2)) {
      sp.awaitListeningPort();
    }
    RankInfo[] truth = {new RankInfo(0, 0, RANKS, 0, 2, 0), new RankInfo(0, 1, RANKS, 1, 2, 0),
        new RankInfo(0, 2, RANKS, 0, 2, 2), new RankInfo(0, 3, RANKS, 1, 2, 2)};
    for (RankInfo ri : truth) {
      OffloadEngine e = OffloadEngine.create(vertx, new EngineOptions().setName("rank" + ri.rank()).setRankInfo(ri))
          .await(30, TimeUnit.SECONDS);
      ranks.add(e);
      e.connect(new ClientOptions().setPort(topo.serviceProcess(topo.serviceProcessOf(ri)).rankPort()).setRankInfo(ri)
          .setConnectTimeout(Duration.ofSeconds(60))).await(90, TimeUnit.SECONDS);
    }
    String expected = "cache group 0 complete: " + RANKS + " entries, digest " + CacheDigest.expected(topo, truth);
    // service process 1 joins late, the first time: 0's mesh client has been retrying since it started
    Jvm sp1 = serviceProcess(file, 1);
    sp1.awaitListeningPort();
    long t0 = System.nanoTime();
    assertEquals(expected, sp1.awaitLine(l -> l.startsWith("cache group 0 complete"), 60, TimeUnit.SECONDS),
        "before the kill");
    long firstJoinNanos = System.nanoTime() - t0;

    sp1.kill();
    sp1.awaitExit(30, TimeUnit.SECONDS);
    Jvm again = serviceProcess(file, 1);
    again.awaitListeningPort();
    long t1 = System.nanoTime();
    assertEquals(expected, again.awaitLine(l -> l.startsWith("cache group 0 complete"), 60, TimeUnit.SECONDS),
        "the restarted service process has every entry again, through both of its mesh links\n" + again.output()
            + "\nsp0:\n" + sp0.output());
    long rejoinNanos = System.nanoTime() - t1;
    System.out.printf("listening -> cache whole: first (late) join %.1f ms, rejoin after kill -9 %.1f ms (%.2fx)%n",
        firstJoinNanos / 1e6, rejoinNanos / 1e6, (double) rejoinNanos / firstJoinNanos);

    // the others kept serving throughout: the ranks' caches are whole
    for (OffloadEngine e : ranks) {
      e.cache().whenComplete(0).await(30, TimeUnit.SECONDS);
      assertEquals(CacheDigest.expected(topo, truth), e.cache().digest(0), e.id());
    }
    for (OffloadEngine e : ranks) {
      e.close().await(30, TimeUnit.SECONDS);
    }
    long t2 = System.nanoTime();
    for (Jvm sp : List.of(sp0, again, sp2)) {
      sp.terminate();
    }
    for (Jvm sp : List.of(sp0, again, sp2)) {
      assertEquals(0, sp.awaitExit(30, TimeUnit.SECONDS), sp.output());
    }
    System.out.printf("SIGTERM -> every service process exited: %.1f ms%n", (System.nanoTime() - t2) / 1e6);
  }
}
