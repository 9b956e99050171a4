package io.offload.cache;

import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;

import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Service processes and ranks as engines in this JVM (verticles with a topology): the mesh,
 * the exchange, sub-groups over the network, a rank leaving, and one-sided put/get.
 */
class GroupCacheInOneJvmTest {

  static final long WAIT = 30;

  Vertx vertx;
  final List<ServiceProcessVerticle> sps = new ArrayList<>();
  final List<RankVerticle> ranks = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  Topology start(int hosts, int perHost, int rankCount, int regionBytes) throws Exception {
    Topology topo = Topology.onLoopback(hosts, perHost);
    List<Future<String>> all = new ArrayList<>();
    for (ServiceProcessSpec s : topo.serviceProcesses()) {
      ServiceProcessVerticle v = new ServiceProcessVerticle();
      sps.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("engine", new JsonObject().put("name", "sp" + s.globalId()))
          .put("topology", topo.toJson()).put("serviceProcessId", s.globalId())
          .put("memoryRegionBytes", regionBytes))));
    }
    for (RankInfo r : topo.placeBlock(0, rankCount)) {
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("engine", new JsonObject().put("name", "rank" + r.rank()))
          .put("topology", topo.toJson())
          .put("client", new JsonObject().put("rank", new JsonObject().put("groupId", 0).put("rank", r.rank())
              .put("groupSize", r.groupSize()).put("localRank", r.localRank()).put("localSize", r.localSize())
              .put("hostId", r.hostId()))))));
    }
    Future.all(all).await(WAIT, TimeUnit.SECONDS);
    return topo;
  }

  List<OffloadEngine> engines() {
    List<OffloadEngine> out = new ArrayList<>();
    sps.forEach(s -> out.add(s.engine()));
    ranks.forEach(r -> out.add(r.engine()));
    return out;
  }

  static void awaitDigest(OffloadEngine e, int group, String expected) {
    Await.until(() -> e.id() + " group " + group + " digest " + expected + " (has " + e.cache().knownMembers(group)
            + " entries)",
        () -> e.cache().isComplete(group) && expected.equals(e.cache().digest(group)), WAIT, TimeUnit.SECONDS);
  }

  @Test
  void subGroupAddedRevokedAndReAddedWithOtherMembersNeverShowsStaleEntries() throws Exception {
    Topology topo = start(2, 1, 8, 0); // host 0: world ranks 0..3 on sp0, host 1: 4..7 on sp1
    String world = CacheDigest.expected(topo, topo.placeBlock(0, 8));
    engines().forEach(e -> awaitDigest(e, 0, world));

    // group 7, sequence 1: world ranks 0, 1, 4, 5 (both service processes)
    int[] firstMembers = {0, 1, 4, 5};
    RankInfo[] first = subGroup(topo, 7, firstMembers);
    List<Future<Void>> joins = new ArrayList<>();
    for (int i = 0; i < firstMembers.length; i++) {
      joins.add(ranks.get(firstMembers[i]).engine().cache().join(first[i], 1));
    }
    Future.all(joins).await(WAIT, TimeUnit.SECONDS);
    String firstDigest = CacheDigest.expected(topo, first);
    for (int w : firstMembers) {
      assertEquals(firstDigest, ranks.get(w).engine().cache().digest(7));
    }
    sps.forEach(s -> awaitDigest(s.engine(), 7, firstDigest));

    // revoked by every member (collectively): gone everywhere
    List<Future<Void>> revokes = new ArrayList<>();
    for (int w : firstMembers) {
      revokes.add(ranks.get(w).engine().cache().revoke(7));
    }
    Future.all(revokes).await(WAIT, TimeUnit.SECONDS);
    for (OffloadEngine e : engines()) {
      Await.until(e.id() + " forgets group 7", () -> e.cache().knownMembers(7) == 0, WAIT, TimeUnit.SECONDS);
    }

    // re-added, sequence 2, other members and size
    int[] secondMembers = {2, 3, 4, 6, 7};
    RankInfo[] second = subGroup(topo, 7, secondMembers);
    joins.clear();
    for (int i = 0; i < secondMembers.length; i++) {
      joins.add(ranks.get(secondMembers[i]).engine().cache().join(second[i], 2));
    }
    Future.all(joins).await(WAIT, TimeUnit.SECONDS);
    String secondDigest = CacheDigest.expected(topo, second);
    for (int w : secondMembers) {
      OffloadEngine e = ranks.get(w).engine();
      assertEquals(secondDigest, e.cache().digest(7));
      assertEquals(2, e.cache().sequence(7));
      assertEquals(5, e.cache().groupSize(7));
    }
    sps.forEach(s -> awaitDigest(s.engine(), 7, secondDigest));
    for (int w : new int[] {0, 1, 5}) { // members of the old group only: nothing stale left
      assertFalse(ranks.get(w).engine().cache().contains(7, 0));
    }
    // the world group is untouched
    engines().forEach(e -> assertEquals(world, e.cache().digest(0)));
  }

  /** Sub-group members: group rank i is world rank {@code world[i]}, same host and local rank. */
  static RankInfo[] subGroup(Topology topo, int groupId, int[] world) {
    RankInfo[] w = topo.placeBlock(0, 8);
    RankInfo[] out = new RankInfo[world.length];
    for (int i = 0; i < world.length; i++) {
      RankInfo r = w[world[i]];
      out[i] = new RankInfo(groupId, i, world.length, r.localRank(), r.localSize(), r.hostId());
    }
    return out;
  }

  @Test
  void rankThatLeavesIsRevokedAtEveryServiceProcessAndRank() throws Exception {
    Topology topo = start(2, 1, 8, 0);
    String world = CacheDigest.expected(topo, topo.placeBlock(0, 8));
    engines().forEach(e -> awaitDigest(e, 0, world));
    RankVerticle leaver = ranks.remove(6); // served by sp1
    leaver.engine().close().await(WAIT, TimeUnit.SECONDS);
    for (OffloadEngine e : engines()) {
      Await.until(e.id() + " drops rank 6", () -> !e.cache().contains(0, 6) && e.cache().knownMembers(0) == 7,
          WAIT, TimeUnit.SECONDS);
      assertFalse(e.cache().isComplete(0));
    }
  }

  @Test
  void serviceProcessThatLeavesTakesItsRanksOutOfTheOtherCaches() throws Exception {
    Topology topo = start(2, 1, 8, 0);
    String world = CacheDigest.expected(topo, topo.placeBlock(0, 8));
    engines().forEach(e -> awaitDigest(e, 0, world));
    ServiceProcessVerticle sp1 = sps.remove(1); // serves world ranks 4..7
    sp1.engine().close().await(WAIT, TimeUnit.SECONDS);
    List<OffloadEngine> survivors = new ArrayList<>();
    survivors.add(sps.get(0).engine());
    for (int r = 0; r < 4; r++) {
      survivors.add(ranks.get(r).engine());
    }
    for (OffloadEngine e : survivors) {
      Await.until(e.id() + " drops the ranks of sp1", () -> e.cache().knownMembers(0) == 4, WAIT, TimeUnit.SECONDS);
      for (int r = 0; r < 8; r++) {
        assertEquals(r < 4, e.cache().contains(0, r), e.id() + " rank " + r);
      }
    }
    assertTrue(sps.get(0).engine().cache().findHandle(1).isEmpty(), "the mesh handle of sp1 is gone");
  }

  @Test
  void oneSidedPutAndGetThroughACacheHandleMoveTheBytes() throws Exception {
    start(1, 2, 2, 4096); // two service processes on one host, ranks 0 -> sp0, 1 -> sp1
    ServiceProcessVerticle sp0 = sps.get(0);
    OffloadEngine rank0 = ranks.get(0).engine();
    int sp = rank0.cache().serviceProcessOf(0, 0);
    assertEquals(0, sp);
    Await.until("rank 0 learns sp0's region", () -> rank0.cache().findHandle(sp)
        .flatMap(Handle::region).isPresent(), WAIT, TimeUnit.SECONDS);
    Handle h = rank0.cache().handleOf(0, 0);

    byte[] hello = "hello, service process".getBytes(StandardCharsets.UTF_8);
    ByteBuffer src = ByteBuffer.allocateDirect(hello.length).put(hello).flip();
    h.put(100, src).await(WAIT, TimeUnit.SECONDS);
    byte[] landed = new byte[hello.length];
    sp0.region().duplicate().position(100).get(landed);
    assertEquals("hello, service process", new String(landed, StandardCharsets.UTF_8));

    byte[] world = "bytes from the region".getBytes(StandardCharsets.UTF_8);
    sp0.region().duplicate().position(2000).put(world);
    ByteBuffer dst = ByteBuffer.allocateDirect(world.length);
    h.get(2000, dst).await(WAIT, TimeUnit.SECONDS);
    byte[] got = new byte[world.length];
    dst.get(got);
    assertEquals("bytes from the region", new String(got, StandardCharsets.UTF_8));
    ByteBuffer window = ByteBuffer.allocateDirect(32).put(0, "..middle..".getBytes(StandardCharsets.UTF_8))
        .position(2).limit(8);
    h.put(3000, window).await(WAIT, TimeUnit.SECONDS); // from the buffer's position, not its start
    byte[] middle = new byte[6];
    sp0.region().duplicate().position(3000).get(middle);
    assertEquals("middle", new String(middle, StandardCharsets.UTF_8));

    // and service process to service process over the mesh
    OffloadEngine sp1 = sps.get(1).engine();
    Await.until("sp1 learns sp0's region", () -> sp1.cache().findHandle(0).flatMap(Handle::region).isPresent(),
        WAIT, TimeUnit.SECONDS);
    ByteBuffer mesh = ByteBuffer.allocateDirect(4).putInt(0x0FF10AD5).flip();
    sp1.cache().handle(0).put(4092, mesh).await(WAIT, TimeUnit.SECONDS);
    assertEquals(0x0FF10AD5, sp0.region().getInt(4092));
    assertTrue(rank0.cache().findHandle(1).isEmpty(), "a rank holds a handle for its own service process only");
  }
}
