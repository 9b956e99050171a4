package io.offload.cache;

import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;

import io.offload.cli.OffloadCli;
import io.offload.topology.RankInfo;
import io.offload.testkit.Jvm;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code offload cache --json}: a rank in its own JVM bootstraps through a topology (2 hosts x 2
 * service processes, 8 ranks, the other 7 and the service processes in this JVM), waits for the
 * whole group, and prints every query's answer; each is checked against the topology.
 */
class CacheDumpCommandTest {

  @TempDir
  Path dir;

  @Test
  void printsEveryQueryOfEveryGroupRankHostAndServiceProcess() throws Exception {
    Topology topo = Topology.onLoopback(2, 2);
    Path file = dir.resolve("topology.json");
    Files.writeString(file, topo.toJson().encodePrettily());
    RankInfo[] ranks = topo.placeBlock(0, 8); // 4 per host
    Vertx vertx = Vertx.vertx();
    try {
      List<Future<String>> all = new ArrayList<>();
      for (ServiceProcessSpec s : topo.serviceProcesses()) {
        all.add(vertx.deployVerticle(new ServiceProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
            .put("topology", topo.toJson()).put("serviceProcessId", s.globalId()))));
      }
      for (RankInfo r : ranks) {
        if (r.rank() == 7) {
          continue;
        }
        all.add(vertx.deployVerticle(new RankVerticle(), new DeploymentOptions().setConfig(new JsonObject()
            .put("topology", topo.toJson()).put("waitForCache", false).put("notifications", 0)
            .put("client", new JsonObject().put("rank", new JsonObject().put("groupId", 0).put("rank", r.rank())
                .put("groupSize", 8).put("localRank", r.localRank()).put("localSize", r.localSize())
                .put("hostId", r.hostId()))))));
      }
      Future.all(all).await(60, TimeUnit.SECONDS);
      RankInfo me = ranks[7];
      try (Jvm cache = Jvm.offload("cache", "cache", "--topology", file.toString(), "--rank", "7", "--size", "8",
          "--local-rank", String.valueOf(me.localRank()), "--local-size", String.valueOf(me.localSize()),
          "--host-id", String.valueOf(me.hostId()), "--json")) {
        assertEquals(OffloadCli.OK, cache.awaitExit(120, TimeUnit.SECONDS), cache.output());
        JsonObject dump = new JsonObject(cache.lines().stream().filter(l -> l.startsWith("{")).findFirst()
            .orElseThrow(() -> new AssertionError(cache.output())));
        check(topo, ranks, dump);
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static int spOf(Topology topo, RankInfo r) {
    List<ServiceProcessSpec> onHost = topo.host(r.hostId()).serviceProcesses();
    return onHost.get(r.localRank() % onHost.size()).globalId();
  }

  static List<Integer> ints(JsonArray a) {
    List<Integer> out = new ArrayList<>();
    a.forEach(x -> out.add((Integer) x));
    return out;
  }

  static void check(Topology topo, RankInfo[] ranks, JsonObject dump) {
    assertEquals(7, dump.getInteger("rank"));
    assertEquals(spOf(topo, ranks[7]), dump.getInteger("serviceProcess"));
    assertEquals(List.of(spOf(topo, ranks[7])), ints(dump.getJsonArray("handles")));
    JsonArray groups = dump.getJsonArray("groups");
    assertEquals(1, groups.size(), dump.encodePrettily());
    JsonObject g = groups.getJsonObject(0);
    assertEquals(0, g.getInteger("groupId"));
    assertEquals(8, g.getInteger("size"));
    assertTrue(g.getBoolean("complete"));
    assertEquals(CacheDigest.expected(topo, ranks), g.getString("digest"));

    TreeMap<Integer, List<Integer>> byHost = new TreeMap<>();
    TreeMap<Integer, List<Integer>> bySp = new TreeMap<>();
    TreeMap<Integer, TreeSet<Integer>> spsByHost = new TreeMap<>();
    for (RankInfo r : ranks) {
      byHost.computeIfAbsent(r.hostId(), h -> new ArrayList<>()).add(r.rank());
      bySp.computeIfAbsent(spOf(topo, r), s -> new ArrayList<>()).add(r.rank());
      spsByHost.computeIfAbsent(r.hostId(), h -> new TreeSet<>()).add(spOf(topo, r));
    }
    JsonArray rs = g.getJsonArray("ranks");
    assertEquals(8, rs.size());
    for (int i = 0; i < 8; i++) {
      JsonObject e = rs.getJsonObject(i);
      RankInfo r = ranks[i];
      int sp = spOf(topo, r);
      assertEquals(new JsonObject().put("rank", i).put("localRank", r.localRank()).put("localSize", r.localSize())
          .put("host", r.hostId()).put("serviceProcess", sp)
          .put("hostIndex", new ArrayList<>(byHost.keySet()).indexOf(r.hostId()))
          .put("indexOnHost", byHost.get(r.hostId()).indexOf(i)).put("indexOnServiceProcess", bySp.get(sp).indexOf(i)), e);
    }
    JsonArray hosts = g.getJsonArray("hosts");
    List<Integer> hostIds = new ArrayList<>(byHost.keySet());
    assertEquals(hostIds.size(), hosts.size());
    for (int i = 0; i < hosts.size(); i++) {
      JsonObject h = hosts.getJsonObject(i);
      assertEquals(hostIds.get(i), h.getInteger("host"));
      assertEquals(i, h.getInteger("index"));
      assertEquals(byHost.get(hostIds.get(i)), ints(h.getJsonArray("ranks")));
      assertEquals(new ArrayList<>(spsByHost.get(hostIds.get(i))), ints(h.getJsonArray("serviceProcesses")));
    }
    JsonArray sps = g.getJsonArray("serviceProcesses");
    List<Integer> spIds = new ArrayList<>(bySp.keySet());
    assertEquals(spIds.size(), sps.size());
    for (int i = 0; i < sps.size(); i++) {
      JsonObject s = sps.getJsonObject(i);
      int sp = spIds.get(i);
      assertEquals(sp, s.getInteger("serviceProcess"));
      assertEquals(i, s.getInteger("groupIndex"));
      assertEquals(topo.serviceProcess(sp).localId(), s.getInteger("localIndex"), "every local SP serves here");
      assertEquals(bySp.get(sp), ints(s.getJsonArray("ranks")));
    }
    assertEquals(new ArrayList<>(spsByHost.get(ranks[7].hostId())), ints(g.getJsonArray("localServiceProcesses")));
  }
}
