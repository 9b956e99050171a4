package io.offload.cli;

import io.offload.cache.CacheDigest;
import io.offload.topology.Topology;
import io.offload.testkit.Jvm;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code offload service|rank --topology}: the group cache as users meet it. */
class TopologyCliTest {

  @TempDir
  Path dir;

  @Test
  void brokenTopologyFileOrUnknownIdExitsWithBadConfig() throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{ \"hosts\": [ { \"address\": \"127.0.0.1\", \"serviceProcesses\": [ { \"rankPort\": 0 } ] } ] }");
    assertEquals(OffloadCli.BAD_CONFIG, OffloadCli.run("service", "--topology", bad.toString(), "--id", "0"));
    assertEquals(OffloadCli.BAD_CONFIG, OffloadCli.run("rank", "--topology", bad.toString(), "--rank", "0"));
    Path good = dir.resolve("good.json");
    Files.writeString(good, Topology.uniform(1, 1, "127.0.0.1", new int[] {1, 2}).toJson().encode());
    assertEquals(OffloadCli.BAD_CONFIG, OffloadCli.run("service", "--topology", good.toString(), "--id", "3"));
    assertEquals(OffloadCli.USAGE, OffloadCli.run("rank", "--rank", "0"));
    // two "hosts" on this machine: which one this rank runs on must be said
    Path two = dir.resolve("two.json");
    Files.writeString(two, Topology.uniform(2, 1, "127.0.0.1", new int[] {1, 2, 3, 4}).toJson().encode());
    assertEquals(OffloadCli.BAD_CONFIG, OffloadCli.run("rank", "--topology", two.toString(), "--rank", "0"));
  }

  @Test
  void ranksFromTheTopologyWaitForTheirGroupAndReportTheCache() throws Exception {
    Topology topo = Topology.onLoopback(1, 2);
    Path file = dir.resolve("topology.json");
    Files.writeString(file, topo.toJson().encodePrettily());
    String expected = CacheDigest.expected(topo, topo.placeBlock(0, 2));
    try (Jvm sp0 = Jvm.offload("sp0", "service", "--topology", file.toString(), "--id", "0");
         Jvm sp1 = Jvm.offload("sp1", "service", "--topology", file.toString(), "--id", "1");
         Jvm r0 = rank(file, 0);
         Jvm r1 = rank(file, 1)) {
      for (Jvm r : new Jvm[] {r0, r1}) {
        assertEquals(0, r.awaitExit(60, TimeUnit.SECONDS), r.output());
        JsonObject s = new JsonObject(r.awaitLine(l -> l.startsWith("{"), 1, TimeUnit.SECONDS));
        assertEquals(2, s.getInteger("cacheEntries"));
        assertEquals(expected, s.getString("cacheDigest"));
        assertEquals(s.getInteger("rank"), s.getInteger("serviceProcess")); // local rank % 2 service processes
      }
      sp0.awaitLine(l -> l.equals("cache group 0 complete: 2 entries, digest " + expected), 30, TimeUnit.SECONDS);
      sp1.awaitLine(l -> l.equals("cache group 0 complete: 2 entries, digest " + expected), 30, TimeUnit.SECONDS);
    }
  }

  private static Jvm rank(Path file, int rank) {
    return Jvm.offload("rank" + rank, "rank", "--topology", file.toString(), "--rank", Integer.toString(rank),
        "--size", "2", "--local-rank", Integer.toString(rank), "--local-size", "2", "--notifications", "5", "--json");
  }
}
