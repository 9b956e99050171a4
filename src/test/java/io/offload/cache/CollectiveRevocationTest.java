package io.offload.cache;

import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;

import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.verticles.Echo;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Collective revocation over real UCX among in-JVM engines (2 hosts, one service process each,
 * 8 world ranks): revoked once every member revoked, the revoke-done event, joins of a newer
 * sequence interleaved with the revocation, the world group never revoked, persistent mode.
 */
class CollectiveRevocationTest {

  static final long WAIT = 30;
  static final int G = 7;

  Vertx vertx;
  Topology topo;
  final List<ServiceProcessVerticle> sps = new ArrayList<>();
  final List<RankVerticle> ranks = new ArrayList<>();
  /** Revoke-done events per engine id. */
  final Map<String, List<JsonObject>> events = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(WAIT, TimeUnit.SECONDS);
  }

  void start(boolean persistent) throws Exception {
    start(new JsonObject().put("persistentGroups", persistent));
  }

  /** Starts the engines with {@code engine} (cache options among the engine keys, as in the JSON of the verticles). */
  void start(JsonObject engine) throws Exception {
    topo = Topology.onLoopback(2, 1); // host 0: world ranks 0..3 on sp0, host 1: 4..7 on sp1
    List<Future<String>> all = new ArrayList<>();
    for (ServiceProcessSpec s : topo.serviceProcesses()) {
      ServiceProcessVerticle v = new ServiceProcessVerticle();
      sps.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("engine", engine.copy().put("name", "rsp" + s.globalId()))
          .put("topology", topo.toJson()).put("serviceProcessId", s.globalId()))));
    }
    for (RankInfo r : topo.placeBlock(0, 8)) {
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("engine", engine.copy().put("name", "rrank" + r.rank()))
          .put("topology", topo.toJson())
          .put("client", new JsonObject().put("rank", new JsonObject().put("groupId", 0).put("rank", r.rank())
              .put("groupSize", r.groupSize()).put("localRank", r.localRank()).put("localSize", r.localSize())
              .put("hostId", r.hostId()))))));
    }
    Future.all(all).await(WAIT, TimeUnit.SECONDS);
    for (OffloadEngine e : engines()) {
      List<JsonObject> mine = new CopyOnWriteArrayList<>();
      events.put(e.id(), mine);
      vertx.eventBus().<JsonObject>localConsumer(e.cache().revokedAddress(), m -> mine.add(m.body()))
          .completion().await(WAIT, TimeUnit.SECONDS);
    }
  }

  List<OffloadEngine> engines() {
    List<OffloadEngine> out = new ArrayList<>();
    sps.forEach(s -> out.add(s.engine()));
    ranks.forEach(r -> out.add(r.engine()));
    return out;
  }

  OffloadEngine rank(int world) {
    return ranks.get(world).engine();
  }

  /** Joins world ranks {@code world} as group {@link #G} at {@code seq}; group rank i is world[i]. */
  List<Future<Void>> join(int[] world, long seq) {
    RankInfo[] w = topo.placeBlock(0, 8);
    List<Future<Void>> joins = new ArrayList<>();
    for (int i = 0; i < world.length; i++) {
      RankInfo r = w[world[i]];
      joins.add(rank(world[i]).cache().join(new RankInfo(G, i, world.length, r.localRank(), r.localSize(), r.hostId()),
          seq));
    }
    return joins;
  }

  static String digest(Topology topo, int[] world) {
    RankInfo[] w = topo.placeBlock(0, 8);
    RankInfo[] members = new RankInfo[world.length];
    for (int i = 0; i < world.length; i++) {
      members[i] = new RankInfo(G, i, world.length, w[world[i]].localRank(), w[world[i]].localSize(), w[world[i]].hostId());
    }
    return CacheDigest.expected(topo, members);
  }

  /**
   * One echo round trip through the rank's service process: cache messages and notifications
   * share the channel in order, so the service process has handled what the rank sent before.
   */
  void roundTrip(int world) throws Exception {
    RankVerticle r = ranks.get(world);
    Promise<Void> back = Promise.promise();
    var c = r.client().consumer(Echo.TYPE, m -> back.tryComplete());
    c.completion().await(WAIT, TimeUnit.SECONDS);
    r.client().notify(0, Echo.TYPE, Buffer.buffer("after the vote")).await(WAIT, TimeUnit.SECONDS);
    back.future().await(WAIT, TimeUnit.SECONDS);
    c.unregister().await(WAIT, TimeUnit.SECONDS);
  }

  void awaitEverywhere(String what, java.util.function.Predicate<OffloadEngine> ok, List<OffloadEngine> on) {
    for (OffloadEngine e : on) {
      io.offload.testkit.Await.until(e.id() + ": " + what, () -> ok.test(e), WAIT, TimeUnit.SECONDS);
    }
  }

  List<OffloadEngine> membersAndSps(int[] world) {
    List<OffloadEngine> out = new ArrayList<>();
    sps.forEach(s -> out.add(s.engine()));
    for (int w : world) {
      out.add(rank(w));
    }
    return out;
  }

  @Test
  void aGroupIsRevokedOnlyOnceEveryMemberRevokedItAndEachEngineSaysSo() throws Exception {
    start(false);
    int[] members = {0, 1, 4, 5};
    Future.all(join(members, 1)).await(WAIT, TimeUnit.SECONDS);
    String d = digest(topo, members);
    awaitEverywhere("group 7 whole", e -> e.cache().isComplete(G) && d.equals(e.cache().digest(G)),
        membersAndSps(members));

    // three of four vote; their service processes have their votes (round trips behind them)
    List<Future<Void>> revokes = new ArrayList<>();
    for (int w : new int[] {0, 1, 4}) {
      revokes.add(rank(w).cache().revoke(G));
      roundTrip(w);
    }
    for (OffloadEngine e : membersAndSps(members)) {
      assertTrue(e.cache().isComplete(G), e.id() + " still has group 7 with 3 of 4 votes");
      assertTrue(events.get(e.id()).isEmpty(), e.id());
    }
    revokes.forEach(f -> assertFalse(f.isComplete(), "a revoke completes when every member revoked"));

    revokes.add(rank(5).cache().revoke(G)); // the last one
    Future.all(revokes).await(WAIT, TimeUnit.SECONDS);
    for (int w : members) {
      assertEquals(0, rank(w).cache().knownMembers(G), "a member's revoke completes after the group is gone there");
    }
    awaitEverywhere("group 7 revoked", e -> e.cache().knownMembers(G) == 0 && events.get(e.id()).size() == 1,
        membersAndSps(members));
    for (OffloadEngine e : membersAndSps(members)) {
      assertEquals(new JsonObject().put("groupId", G).put("seq", 1L), events.get(e.id()).get(0), e.id());
    }
    // late messages of sequence 1 are stale now; the world group is untouched
    String world = CacheDigest.expected(topo, topo.placeBlock(0, 8));
    engines().forEach(e -> assertEquals(world, e.cache().digest(0)));
  }

  @Test
  void joinsOfTheNextSequenceDuringTheRevocationAreQueuedNotLost() throws Exception {
    start(false);
    int[] first = {0, 1, 4, 5};
    Future.all(join(first, 1)).await(WAIT, TimeUnit.SECONDS);
    awaitEverywhere("group 7 whole", e -> e.cache().isComplete(G), membersAndSps(first));

    int[] second = {2, 3, 4, 6, 7, 0}; // other members, another size; 0 and 4 are in both
    List<Future<Void>> revokes = new ArrayList<>();
    revokes.add(rank(0).cache().revoke(G));
    revokes.add(rank(4).cache().revoke(G));
    roundTrip(0);
    roundTrip(4); // the revocation is under way at both service processes
    List<Future<Void>> joins = join(second, 2); // 0 and 4 join before their revoke is done; the others too
    for (int w : new int[] {2, 6}) {
      roundTrip(w); // their seq-2 entries reached the service processes while the revocation is under way
    }
    revokes.add(rank(1).cache().revoke(G));
    revokes.add(rank(5).cache().revoke(G));
    Future.all(revokes).await(WAIT, TimeUnit.SECONDS);
    Future.all(joins).await(WAIT, TimeUnit.SECONDS);

    String d = digest(topo, second);
    awaitEverywhere("group 7 of sequence 2 whole", e -> e.cache().isComplete(G) && d.equals(e.cache().digest(G)),
        membersAndSps(second));
    for (OffloadEngine e : membersAndSps(second)) {
      assertEquals(2, e.cache().sequence(G), e.id());
      assertEquals(6, e.cache().groupSize(G), e.id());
    }
    for (int w : new int[] {1, 5}) { // members of the old group only: nothing left
      assertEquals(0, rank(w).cache().knownMembers(G));
    }
  }

  @Test
  void theWorldGroupIsNeverRevoked() throws Exception {
    start(false);
    String world = CacheDigest.expected(topo, topo.placeBlock(0, 8));
    awaitEverywhere("world whole", e -> e.cache().isComplete(0) && world.equals(e.cache().digest(0)), engines());
    for (RankVerticle r : ranks) {
      Exception e = assertThrows(Exception.class, () -> r.engine().cache().revoke(0).await(WAIT, TimeUnit.SECONDS));
      assertTrue(String.valueOf(e.getMessage()).contains("world group"), e.toString());
    }
    engines().forEach(e -> assertEquals(world, e.cache().digest(0)));
    engines().forEach(e -> assertTrue(events.get(e.id()).isEmpty()));
  }

  @Test
  void aConfiguredWorldGroupIdIsNeverRevokedWhileGroup0IsRevokedLikeAnyOther() throws Exception {
    start(new JsonObject().put("worldGroupId", G)); // CacheOptions.setWorldGroupId, by the JSON of every engine
    int[] members = {0, 1, 4, 5};
    Future.all(join(members, 1)).await(WAIT, TimeUnit.SECONDS);
    String d = digest(topo, members);
    awaitEverywhere("group 7 whole", e -> e.cache().isComplete(G) && d.equals(e.cache().digest(G)),
        membersAndSps(members));
    for (int w : members) {
      Exception e = assertThrows(Exception.class, () -> rank(w).cache().revoke(G).await(WAIT, TimeUnit.SECONDS));
      assertTrue(String.valueOf(e.getMessage()).contains("group 7 is the world group"), e.toString());
    }

    // group 0, the group the ranks bootstrapped in, is an ordinary group here: revoked once all 8 revoked it
    long seq0 = rank(0).cache().sequence(0);
    List<Future<Void>> revokes = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      revokes.add(rank(w).cache().revoke(0));
    }
    Future.all(revokes).await(WAIT, TimeUnit.SECONDS);
    awaitEverywhere("group 0 revoked", e -> e.cache().knownMembers(0) == 0 && events.get(e.id()).size() == 1,
        engines());
    for (OffloadEngine e : engines()) {
      assertEquals(new JsonObject().put("groupId", 0).put("seq", seq0), events.get(e.id()).get(0), e.id());
    }
    for (OffloadEngine e : membersAndSps(members)) {
      assertTrue(e.cache().isComplete(G), e.id() + " keeps the world group 7");
      assertEquals(d, e.cache().digest(G), e.id());
    }
  }

  @Test
  void persistentModeKeepsTheEntriesAcrossARevokeAndReAdd() throws Exception {
    start(true);
    int[] members = {0, 1, 4, 5};
    Future.all(join(members, 1)).await(WAIT, TimeUnit.SECONDS);
    String d = digest(topo, members);
    awaitEverywhere("group 7 whole", e -> e.cache().isComplete(G), membersAndSps(members));
    List<Future<Void>> revokes = new ArrayList<>();
    for (int w : members) {
      revokes.add(rank(w).cache().revoke(G));
    }
    Future.all(revokes).await(WAIT, TimeUnit.SECONDS);
    awaitEverywhere("group 7 revoked", e -> e.cache().knownMembers(G) == 0, membersAndSps(members));

    // one member re-adds the same group: whole at once from the kept entries, at sequence 2
    RankInfo[] w = topo.placeBlock(0, 8);
    rank(4).cache().join(new RankInfo(G, 2, 4, w[4].localRank(), w[4].localSize(), w[4].hostId()), 2)
        .await(WAIT, TimeUnit.SECONDS);
    assertTrue(rank(4).cache().isComplete(G));
    assertEquals(2, rank(4).cache().sequence(G));
    assertEquals(d, rank(4).cache().digest(G));
    io.offload.testkit.Await.until("sp1 has it whole again", () -> sps.get(1).engine().cache().isComplete(G)
        && sps.get(1).engine().cache().sequence(G) == 2, WAIT, TimeUnit.SECONDS);
  }
}
