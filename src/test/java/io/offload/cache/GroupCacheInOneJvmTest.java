package io.offload.cache;

import io.offload.context.ClientOptions;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.mesh.ServiceMesh;
import io.offload.testkit.Await;
import io.offload.testkit.EngineMode;
import io.offload.topology.RankInfo;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Service processes and ranks as engines in this JVM, from a loopback topology: the mesh, the
 * exchange, sub-groups over the network, a rank leaving, and one-sided put/get. In both engine
 * modes ({@link EngineMode}): every engine, service processes included, has its own progress
 * thread, or every one is caller-driven on an application worker progressed by a test thread. The
 * engines are started through the public API as {@code ServiceProcessVerticle} and
 * {@code RankVerticle} start theirs with a topology (a verticle creates its engine on an event
 * loop, where a caller-driven engine cannot be made).
 */
class GroupCacheInOneJvmTest {

  static final long WAIT = 30;

  Vertx vertx;
  EngineMode.Engines engineSet;
  final List<OffloadEngine> sps = new ArrayList<>();
  /** The region each service process published in the cache (index: global id), or null. */
  final List<ByteBuffer> regions = new ArrayList<>();
  final List<ServiceMesh> meshes = new ArrayList<>();
  final List<OffloadEngine> ranks = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    meshes.forEach(ServiceMesh::close); // no reconnecting to peers that are closing too
    if (engineSet != null) {
      engineSet.close();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /**
   * Starts the service processes (rank server on its rank port, {@code regionBytes} published in the
   * cache if > 0, mesh), then the ranks placed block-wise, each bootstrapped with its service process;
   * completes once every rank has its whole group in its cache.
   */
  Topology start(EngineMode mode, int hosts, int perHost, int rankCount, int regionBytes) throws Exception {
    engineSet = mode.engines();
    Topology topo = Topology.onLoopback(hosts, perHost);
    for (ServiceProcessSpec s : topo.serviceProcesses()) {
      OffloadEngine e = engineSet.create(vertx, new EngineOptions().setName("sp" + s.globalId()))
          .await(WAIT, TimeUnit.SECONDS);
      sps.add(e);
      e.listen(new ServerOptions().setHost(s.address()).setPort(s.rankPort()).setServiceProcessId(s.globalId()))
          .await(WAIT, TimeUnit.SECONDS);
      regions.add(regionBytes > 0 ? e.cache().exposeMemory(regionBytes).await(WAIT, TimeUnit.SECONDS) : null);
      meshes.add(ServiceMesh.start(e, topo, s.globalId(), null, ServiceMesh.DEFAULT_CONNECT_TIMEOUT)
          .await(WAIT, TimeUnit.SECONDS));
    }
    List<Future<Void>> connected = new ArrayList<>();
    for (RankInfo r : topo.placeBlock(0, rankCount)) {
      OffloadEngine e = engineSet.create(vertx, new EngineOptions().setName("rank" + r.rank()).setRankInfo(r))
          .await(WAIT, TimeUnit.SECONDS);
      ranks.add(e);
      ServiceProcessSpec sp = topo.serviceProcessFor(r.hostId(), r.localRank());
      connected.add(e.connect(new ClientOptions().setHost(sp.address()).setPort(sp.rankPort()).setRankInfo(r))
          .compose(client -> e.cache().whenComplete(r.groupId()))); // as RankVerticle waits for its group
    }
    Future.all(connected).await(WAIT, TimeUnit.SECONDS);
    return topo;
  }

  List<OffloadEngine> engines() {
    List<OffloadEngine> out = new ArrayList<>(sps);
    out.addAll(ranks);
    return out;
  }

  static void awaitDigest(OffloadEngine e, int group, String expected) {
    Await.until(() -> e.id() + " group " + group + " digest " + expected + " (has " + e.cache().knownMembers(group)
            + " entries)",
        () -> e.cache().isComplete(group) && expected.equals(e.cache().digest(group)), WAIT, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void subGroupAddedRevokedAndReAddedWithOtherMembersNeverShowsStaleEntries(EngineMode mode) throws Exception {
    Topology topo = start(mode, 2, 1, 8, 0); // host 0: world ranks 0..3 on sp0, host 1: 4..7 on sp1
    String world = CacheDigest.expected(topo, topo.placeBlock(0, 8));
    engines().forEach(e -> awaitDigest(e, 0, world));

    // group 7, sequence 1: world ranks 0, 1, 4, 5 (both service processes)
    int[] firstMembers = {0, 1, 4, 5};
    RankInfo[] first = subGroup(topo, 7, firstMembers);
    List<Future<Void>> joins = new ArrayList<>();
    for (int i = 0; i < firstMembers.length; i++) {
      joins.add(ranks.get(firstMembers[i]).cache().join(first[i], 1));
    }
    Future.all(joins).await(WAIT, TimeUnit.SECONDS);
    String firstDigest = CacheDigest.expected(topo, first);
    for (int w : firstMembers) {
      assertEquals(firstDigest, ranks.get(w).cache().digest(7));
    }
    sps.forEach(s -> awaitDigest(s, 7, firstDigest));

    // revoked by every member (collectively): gone everywhere
    List<Future<Void>> revokes = new ArrayList<>();
    for (int w : firstMembers) {
      revokes.add(ranks.get(w).cache().revoke(7));
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
      joins.add(ranks.get(secondMembers[i]).cache().join(second[i], 2));
    }
    Future.all(joins).await(WAIT, TimeUnit.SECONDS);
    String secondDigest = CacheDigest.expected(topo, second);
    for (int w : secondMembers) {
      OffloadEngine e = ranks.get(w);
      assertEquals(secondDigest, e.cache().digest(7));
      assertEquals(2, e.cache().sequence(7));
      assertEquals(5, e.cache().groupSize(7));
    }
    sps.forEach(s -> awaitDigest(s, 7, secondDigest));
    for (int w : new int[] {0, 1, 5}) { // members of the old group only: nothing stale left
      assertFalse(ranks.get(w).cache().contains(7, 0));
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

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void rankThatLeavesIsRevokedAtEveryServiceProcessAndRank(EngineMode mode) throws Exception {
    Topology topo = start(mode, 2, 1, 8, 0);
    String world = CacheDigest.expected(topo, topo.placeBlock(0, 8));
    engines().forEach(e -> awaitDigest(e, 0, world));
    OffloadEngine leaver = ranks.remove(6); // served by sp1
    leaver.close().await(WAIT, TimeUnit.SECONDS);
    for (OffloadEngine e : engines()) {
      Await.until(e.id() + " drops rank 6", () -> !e.cache().contains(0, 6) && e.cache().knownMembers(0) == 7,
          WAIT, TimeUnit.SECONDS);
      assertFalse(e.cache().isComplete(0));
    }
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void serviceProcessThatLeavesTakesItsRanksOutOfTheOtherCaches(EngineMode mode) throws Exception {
    Topology topo = start(mode, 2, 1, 8, 0);
    String world = CacheDigest.expected(topo, topo.placeBlock(0, 8));
    engines().forEach(e -> awaitDigest(e, 0, world));
    OffloadEngine sp1 = sps.remove(1); // serves world ranks 4..7
    sp1.close().await(WAIT, TimeUnit.SECONDS);
    List<OffloadEngine> survivors = new ArrayList<>();
    survivors.add(sps.get(0));
    for (int r = 0; r < 4; r++) {
      survivors.add(ranks.get(r));
    }
    for (OffloadEngine e : survivors) {
      Await.until(e.id() + " drops the ranks of sp1", () -> e.cache().knownMembers(0) == 4, WAIT, TimeUnit.SECONDS);
      for (int r = 0; r < 8; r++) {
        assertEquals(r < 4, e.cache().contains(0, r), e.id() + " rank " + r);
      }
    }
    assertTrue(sps.get(0).cache().findHandle(1).isEmpty(), "the mesh handle of sp1 is gone");
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void oneSidedPutAndGetThroughACacheHandleMoveTheBytes(EngineMode mode) throws Exception {
    start(mode, 1, 2, 2, 4096); // two service processes on one host, ranks 0 -> sp0, 1 -> sp1
    ByteBuffer sp0Region = regions.get(0);
    OffloadEngine rank0 = ranks.get(0);
    int sp = rank0.cache().serviceProcessOf(0, 0);
    assertEquals(0, sp);
    Await.until("rank 0 learns sp0's region", () -> rank0.cache().findHandle(sp)
        .flatMap(Handle::region).isPresent(), WAIT, TimeUnit.SECONDS);
    Handle h = rank0.cache().handleOf(0, 0);

    byte[] hello = "hello, service process".getBytes(StandardCharsets.UTF_8);
    ByteBuffer src = ByteBuffer.allocateDirect(hello.length).put(hello).flip();
    h.put(100, src).await(WAIT, TimeUnit.SECONDS);
    byte[] landed = new byte[hello.length];
    sp0Region.duplicate().position(100).get(landed);
    assertEquals("hello, service process", new String(landed, StandardCharsets.UTF_8));

    byte[] world = "bytes from the region".getBytes(StandardCharsets.UTF_8);
    sp0Region.duplicate().position(2000).put(world);
    ByteBuffer dst = ByteBuffer.allocateDirect(world.length);
    h.get(2000, dst).await(WAIT, TimeUnit.SECONDS);
    byte[] got = new byte[world.length];
    dst.get(got);
    assertEquals("bytes from the region", new String(got, StandardCharsets.UTF_8));
    ByteBuffer window = ByteBuffer.allocateDirect(32).put(0, "..middle..".getBytes(StandardCharsets.UTF_8))
        .position(2).limit(8);
    h.put(3000, window).await(WAIT, TimeUnit.SECONDS); // from the buffer's position, not its start
    byte[] middle = new byte[6];
    sp0Region.duplicate().position(3000).get(middle);
    assertEquals("middle", new String(middle, StandardCharsets.UTF_8));

    // and service process to service process over the mesh
    OffloadEngine sp1 = sps.get(1);
    Await.until("sp1 learns sp0's region", () -> sp1.cache().findHandle(0).flatMap(Handle::region).isPresent(),
        WAIT, TimeUnit.SECONDS);
    ByteBuffer mesh = ByteBuffer.allocateDirect(4).putInt(0x0FF10AD5).flip();
    sp1.cache().handle(0).put(4092, mesh).await(WAIT, TimeUnit.SECONDS);
    assertEquals(0x0FF10AD5, sp0Region.getInt(4092));
    assertTrue(rank0.cache().findHandle(1).isEmpty(), "a rank holds a handle for its own service process only");
  }
}
