package io.offload.cache;

import io.offload.topology.ServiceProcessSpec;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A measurement, not an assertion on speed (shared machine): N ranks (default off;
 * {@code -Dcache.fill.ranks=2048}) fill the caches of 4 service processes (2 hosts x 2) through
 * the real bootstrap and exchange, as client contexts of 8 rank engines in this JVM. Prints the
 * time until every service process and every rank engine holds the whole group, and checks the
 * digests against the topology. The first fill runs in a cold JVM (a third of its CPU went to the
 * JIT compilers, the OOB code was still interpreted); {@code -Dcache.fill.runs=K} (default 3)
 * repeats it, each time with new service processes, engines and Vert.x, and prints every run.
 */
class ExchangeFillBench {

  static final int RANKS = Integer.getInteger("cache.fill.ranks", 0);
  static final int RUNS = Integer.getInteger("cache.fill.runs", 3);
  static final int RANK_ENGINES = 8;

  @Test
  void fillThroughTheRealExchange() throws Exception {
    Assumptions.assumeTrue(RANKS > 0, "a benchmark: run with -Dcache.fill.ranks=2048");
    for (int run = 1; run <= RUNS; run++) {
      fill(run);
    }
  }

  private void fill(int run) throws Exception {
    Topology topo = Topology.onLoopback(2, 2);
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
      Future.all(up).await(60, TimeUnit.SECONDS);
      for (ServiceProcessVerticle v : sps) {
        v.mesh().clientsConnected().await(60, TimeUnit.SECONDS);
      }
      List<OffloadEngine> rankEngines = new ArrayList<>();
      for (int i = 0; i < RANK_ENGINES; i++) {
        rankEngines.add(OffloadEngine.create(vertx, new EngineOptions().setName("fill" + i)).await(30, TimeUnit.SECONDS));
      }
      RankInfo[] ranks = topo.placeBlock(0, RANKS);
      long t0 = System.nanoTime();
      List<Future<?>> batch = new ArrayList<>();
      for (RankInfo r : ranks) {
        ServiceProcessSpec sp = topo.serviceProcessFor(r.hostId(), r.localRank());
        batch.add(rankEngines.get(r.rank() % RANK_ENGINES).connect(new ClientOptions().setHost(sp.address())
            .setPort(sp.rankPort()).setRankInfo(r).setConnectTimeout(Duration.ofSeconds(60))));
        if (batch.size() == 128) {
          Future.all(batch).await(120, TimeUnit.SECONDS);
          batch.clear();
        }
      }
      Future.all(batch).await(120, TimeUnit.SECONDS);
      long booted = System.nanoTime();
      String expected = CacheDigest.expected(topo, ranks);
      List<OffloadEngine> all = new ArrayList<>();
      sps.forEach(s -> all.add(s.engine()));
      all.addAll(rankEngines);
      for (ServiceProcessVerticle sp : sps) {
        Await.until(sp.engine().id() + " whole", () -> sp.engine().cache().isComplete(0), 120, TimeUnit.SECONDS);
      }
      long spsWhole = System.nanoTime();
      for (OffloadEngine e : rankEngines) {
        Await.until(e.id() + " whole", () -> e.cache().isComplete(0), 120, TimeUnit.SECONDS);
      }
      long filled = System.nanoTime();
      System.out.printf("exchange fill, run %d: service processes whole after %.0f ms%n", run, (spsWhole - t0) / 1e6);
      for (OffloadEngine e : all) {
        assertEquals(expected, e.cache().digest(0), e.id());
      }
      System.out.printf("exchange fill, run %d%s: %d ranks, 4 service processes, %d rank engines: all bootstrapped after "
              + "%.0f ms, every cache whole after %.0f ms (%.0f ms after the last bootstrap)%n", run,
          run == 1 ? " (cold JVM)" : "", RANKS, RANK_ENGINES,
          (booted - t0) / 1e6, (filled - t0) / 1e6, (filled - booted) / 1e6);
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }
}
