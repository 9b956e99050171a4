package io.offload.cache;

import io.offload.topology.Topology;

import io.offload.cache.impl.HostAndPositionLookupsTest;
import io.offload.topology.RankInfo;
import io.offload.testkit.Jvm;
import io.offload.verticles.RankVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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

/**
 * 4 service processes, each its own JVM ({@code offload service --topology FILE --id N}), on 2
 * "hosts" of one topology file, and 64 ranks. To save CPU on a 2-core machine the ranks are
 * engines in this JVM (one {@link RankVerticle} each, configured with the same topology file);
 * they reach their service processes over TCP and UCX exactly as separate processes would.
 * Every rank's and service process's cache must equal the ground truth derived from the file,
 * whatever the start order, and every rank's lookups by host and by position must answer as
 * {@link HostAndPositionLookupsTest#checkEveryQuery} computes them from the topology.
 */
class ServiceProcessMeshCrossJvmTest {

  static final int HOSTS = 2;
  static final int SPS_PER_HOST = 2;
  /** 64 by default; {@code -Dcache.ranks=256} for the benchmark run of the closing note. */
  static final int RANKS = Integer.getInteger("cache.ranks", 64);

  @TempDir
  Path dir;
  Vertx vertx;
  final List<Jvm> sps = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } finally {
      sps.forEach(Jvm::close);
    }
  }

  @Test
  void serviceProcessesFirstThenRanksEveryCacheEqualsGroundTruth() throws Exception {
    Path file = writeTopology();
    Topology topo = Topology.read(file);
    startServiceProcesses(file);
    for (Jvm sp : sps) {
      sp.awaitListeningPort();
    }
    verify(topo, startRanks(file, topo));
  }

  @Test
  void ranksFirstThenServiceProcessesEveryCacheEqualsGroundTruth() throws Exception {
    Path file = writeTopology();
    Topology topo = Topology.read(file);
    List<Future<String>> ranks = startRanks(file, topo); // they retry until their service process is up
    // and the service processes in reverse order, so the mesh clients wait for their servers too
    for (int id = topo.serviceProcessCount() - 1; id >= 0; id--) {
      sps.add(0, Jvm.offload("sp" + id, "service", "--topology", file.toString(), "--id", Integer.toString(id)));
    }
    verify(topo, ranks);
  }

  private Path writeTopology() throws Exception {
    Topology t = Topology.onLoopback(HOSTS, SPS_PER_HOST);
    Path file = dir.resolve("topology.json");
    Files.writeString(file, t.toJson().encodePrettily());
    return file;
  }

  private void startServiceProcesses(Path file) {
    for (int id = 0; id < HOSTS * SPS_PER_HOST; id++) {
      sps.add(Jvm.offload("sp" + id, "service", "--topology", file.toString(), "--id", Integer.toString(id)));
    }
  }

  private List<Future<String>> startRanks(Path file, Topology topo) {
    List<Future<String>> deployments = new ArrayList<>();
    ranks.clear();
    for (RankInfo r : topo.placeBlock(0, RANKS)) {
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      deployments.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("engine", new JsonObject().put("name", "rank" + r.rank()))
          .put("topology", file.toString())
          .put("cacheTimeoutMs", 60_000)
          .put("client", new JsonObject().put("connectTimeoutMs", 60_000).put("rank", new JsonObject()
              .put("groupId", 0).put("rank", r.rank()).put("groupSize", RANKS).put("localRank", r.localRank())
              .put("localSize", r.localSize()).put("hostId", r.hostId()))))));
    }
    return deployments;
  }

  final List<RankVerticle> ranks = new ArrayList<>();

  private void verify(Topology topo, List<Future<String>> deployments) throws Exception {
    Future.all(deployments).await(90, TimeUnit.SECONDS);
    RankInfo[] truth = topo.placeBlock(0, RANKS);
    String expected = CacheDigest.expected(topo, truth);
    for (RankVerticle rv : ranks) {
      GroupCache c = rv.engine().cache();
      assertEquals(expected, c.digest(0), rv.engine().id());
      assertEquals(RANKS, rv.summary().getInteger("cacheEntries"));
      // and the lookups, against the topology
      for (RankInfo r : truth) {
        assertEquals(topo.serviceProcessOf(r), c.serviceProcessOf(0, r.rank()));
      }
      int mine = rv.summary().getInteger("serviceProcess");
      int me = rv.summary().getInteger("rank");
      assertEquals(mine, c.handleOf(0, me).serviceProcessId());
      assertEquals(RANKS / 4, c.ranksServedBy(0, mine).size());
      // every lookup by host and by position, against the independent computation of the one-JVM test
      HostAndPositionLookupsTest.checkEveryQuery(topo, c, truth, truth[me].hostId());
    }
    long lastConnect = ranks.stream().mapToLong(rv -> rv.summary().getLong("bootstrapAtNanos")).max().orElseThrow();
    long lastCache = ranks.stream().mapToLong(rv -> rv.summary().getLong("cacheAtNanos")).max().orElseThrow();
    System.out.printf("%d ranks, 4 service processes: last rank connected -> every rank's cache whole: %.1f ms%n",
        RANKS, (lastCache - lastConnect) / 1e6);
    for (int id = 0; id < sps.size(); id++) {
      String line = sps.get(id).awaitLine(l -> l.startsWith("cache group 0 complete"), 60, TimeUnit.SECONDS);
      assertEquals("cache group 0 complete: " + RANKS + " entries, digest " + expected, line, "sp" + id);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
    vertx = Vertx.vertx();
    for (Jvm sp : sps) {
      sp.terminate();
    }
    for (Jvm sp : sps) {
      assertEquals(0, sp.awaitExit(30, TimeUnit.SECONDS), sp.output());
    }
  }
}
