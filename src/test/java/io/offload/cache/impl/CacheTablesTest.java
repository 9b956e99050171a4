package io.offload.cache.impl;

import io.offload.cache.CacheDigest;
import io.offload.cache.CacheMissException;
import io.offload.cache.EntryOutcome;
import io.offload.cache.Handle;
import io.offload.cache.IntView;
import io.offload.cache.RemoteRegion;
import io.offload.topology.Topology;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache as a pure data structure (no UCX, no network). */
class CacheTablesTest {

  static final int HOSTS = 32;
  static final int SPS_PER_HOST = 4;
  static final int RANKS = 2048;

  static Topology bigTopology() {
    int[] ports = new int[2 * HOSTS * SPS_PER_HOST];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = 20000 + i;
    }
    return Topology.uniform(HOSTS, SPS_PER_HOST, "127.0.0.1", ports);
  }

  static void putAll(CacheTables tables, Topology topo, RankInfo[] ranks, long seq, long shuffleSeed) {
    List<RankInfo> order = new ArrayList<>(List.of(ranks));
    Collections.shuffle(order, new Random(shuffleSeed));
    for (RankInfo r : order) {
      tables.put(r.groupId(), seq, r.groupSize(), r.rank(), r.localRank(), r.localSize(), r.hostId(),
          topo.serviceProcessOf(r));
    }
  }

  @Test
  void shouldAnswerEveryTopologyQueryAt32HostsX4ServiceProcessesX16RanksEach() {
    Topology topo = bigTopology();
    RankInfo[] ranks = topo.placeBlock(0, RANKS); // 64 ranks per host, 16 per service process
    AtomicInteger completions = new AtomicInteger();
    TestCache cache = new TestCache(t -> completions.incrementAndGet());
    CacheTables tables = cache.tables();
    Future<Void> whole = tables.whenComplete(0);
    for (int sp = 0; sp < topo.serviceProcessCount(); sp++) {
      cache.handles().put(new HandleImpl(sp, null, null, null, null));
    }
    cache.handles().putRegion(new RemoteRegion(5, 0x1000, 64, new byte[] {1, 2, 3}));

    List<RankInfo> shuffled = new ArrayList<>(List.of(ranks));
    Collections.shuffle(shuffled, new Random(42));
    for (int i = 0; i < shuffled.size(); i++) {
      RankInfo r = shuffled.get(i);
      EntryOutcome o = tables.put(0, 0, RANKS, r.rank(), r.localRank(), r.localSize(), r.hostId(),
          topo.serviceProcessOf(r));
      assertEquals(i == RANKS - 1 ? EntryOutcome.COMPLETED : EntryOutcome.ADDED, o);
      assertEquals(i == RANKS - 1, whole.isComplete());
    }
    assertTrue(whole.succeeded());
    assertEquals(1, completions.get());
    assertTrue(cache.isComplete(0));
    assertEquals(RANKS, cache.groupSize(0));
    assertEquals(RANKS, cache.knownMembers(0));
    assertEquals(RANKS, tables.entryCount());
    assertEquals(0, cache.sequence(0));
    assertArrayEquals(new int[] {0}, tables.groups());
    assertEquals(List.of(ranks), cache.members(0));
    assertEquals(CacheDigest.expected(topo, ranks), cache.digest(0));

    // per rank: service process (16 ranks each, local_rank % 4 on its host), host, rank info, handle
    for (RankInfo r : ranks) {
      int sp = r.hostId() * SPS_PER_HOST + r.localRank() % SPS_PER_HOST;
      assertEquals(sp, cache.serviceProcessOf(0, r.rank()));
      assertEquals(r.hostId(), cache.hostOf(0, r.rank()));
      assertEquals(r, cache.rankInfo(0, r.rank()).orElseThrow());
      assertTrue(cache.contains(0, r.rank()));
      assertEquals(sp, cache.handle(cache.serviceProcessOf(0, r.rank())).serviceProcessId());
    }
    // every pair: same host / same service process
    for (RankInfo a : ranks) {
      for (RankInfo b : ranks) {
        assertEquals(a.hostId() == b.hostId(), cache.onSameHost(0, a.rank(), b.rank()));
        assertEquals(topo.serviceProcessOf(a) == topo.serviceProcessOf(b),
            cache.onSameServiceProcess(0, a.rank(), b.rank()));
      }
    }
    // ranks served by each service process, against brute force
    for (int sp = 0; sp < topo.serviceProcessCount(); sp++) {
      List<Integer> expected = new ArrayList<>();
      for (RankInfo r : ranks) {
        if (topo.serviceProcessOf(r) == sp) {
          expected.add(r.rank());
        }
      }
      IntView served = cache.ranksServedBy(0, sp);
      assertEquals(16, served.size());
      assertEquals(expected, served.stream().boxed().toList());
      assertSame(served, cache.ranksServedBy(0, sp), "views are built once, not per lookup");
    }
    assertEquals(IntView.EMPTY, cache.ranksServedBy(0, 999));
    assertEquals(HOSTS * SPS_PER_HOST, cache.serviceProcesses(0).size());
    assertEquals(HOSTS, cache.hosts(0).size());
    assertTrue(cache.region(5).isPresent());
    assertTrue(cache.handle(5).region().isPresent(), "a region attaches to its service process's handle");

    // misses: clear exceptions or empty optionals, never a crash
    assertThrows(CacheMissException.class, () -> cache.serviceProcessOf(1, 0));
    assertThrows(CacheMissException.class, () -> cache.serviceProcessOf(0, RANKS));
    assertThrows(CacheMissException.class, () -> cache.serviceProcessOf(0, -1));
    assertThrows(CacheMissException.class, () -> cache.handle(HOSTS * SPS_PER_HOST));
    assertTrue(cache.findHandle(-3).isEmpty());
    assertTrue(cache.rankInfo(0, RANKS + 5).isEmpty());
    assertFalse(cache.contains(9, 0));
  }

  @Test
  void shouldNeverMixEntriesOfARevokedAndReAddedSubGroup() {
    Topology topo = bigTopology();
    TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
    putAll(tables, topo, topo.placeBlock(0, RANKS), 0, 1);

    // sub-group 7, sequence 1: world ranks 0..7 (host 0)
    RankInfo[] first = new RankInfo[8];
    for (int r = 0; r < 8; r++) {
      first[r] = new RankInfo(7, r, 8, r, 8, 0);
    }
    Future<Void> firstDone = tables.whenComplete(7);
    putAll(tables, topo, first, 1, 2);
    assertTrue(firstDone.succeeded());
    assertEquals(CacheDigest.expected(topo, first), cache.digest(7));

    // revoked: gone, and a waiter on an incomplete group would fail
    assertTrue(tables.revoke(7, 1));
    assertTrue(cache.rankInfo(7, 0).isEmpty());
    assertThrows(CacheMissException.class, () -> cache.serviceProcessOf(7, 0));
    assertEquals(RANKS, tables.entryCount());

    // late messages of the revoked sequence are stale
    assertEquals(EntryOutcome.STALE, tables.put(7, 1, 8, 3, 3, 8, 0, 0));
    assertTrue(cache.rankInfo(7, 3).isEmpty());

    // re-added with other members: 12 ranks on hosts 5 and 6, sequence 2
    RankInfo[] second = new RankInfo[12];
    for (int r = 0; r < 12; r++) {
      second[r] = new RankInfo(7, r, 12, r % 6, 6, 5 + r / 6);
    }
    Future<Void> secondDone = tables.whenComplete(7);
    for (int r = 0; r < 12; r++) {
      RankInfo m = second[r];
      tables.put(7, 2, 12, r, m.localRank(), m.localSize(), m.hostId(), topo.serviceProcessOf(m));
      // a stale entry of sequence 1 interleaved never lands
      assertEquals(EntryOutcome.STALE, tables.put(7, 1, 8, r % 8, r % 8, 8, 0, 0));
    }
    assertTrue(secondDone.succeeded());
    assertEquals(2, cache.sequence(7));
    assertEquals(12, cache.groupSize(7));
    assertEquals(List.of(second), cache.members(7));
    assertEquals(CacheDigest.expected(topo, second), cache.digest(7));
    assertEquals(new TreeSet<>(List.of(5, 6)), new TreeSet<>(cache.hosts(7).stream().boxed().toList()));
    for (RankInfo m : second) {
      assertEquals(topo.serviceProcessOf(m), cache.serviceProcessOf(7, m.rank()));
    }

    // a newer sequence replaces a group without a revoke, dropping every old entry at once
    assertEquals(EntryOutcome.ADDED, tables.put(7, 3, 4, 0, 0, 4, 1, 4));
    assertEquals(1, cache.knownMembers(7));
    assertFalse(cache.isComplete(7));
    assertFalse(cache.contains(7, 5));
    assertEquals(RANKS + 1, tables.entryCount());
    // the world group was never touched
    assertEquals(CacheDigest.expected(topo, topo.placeBlock(0, RANKS)), cache.digest(0));
  }

  @Test
  void shouldMakeAGroupIncompleteWhenARankLeavesAndWholeAgainWhenItReturns() {
    Topology topo = bigTopology();
    TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
    RankInfo[] world = topo.placeBlock(0, 64);
    putAll(tables, topo, world, 0, 3);
    assertTrue(cache.isComplete(0));
    assertTrue(tables.remove(0, 0, 17));
    assertFalse(tables.remove(0, 0, 17));
    assertFalse(cache.isComplete(0));
    assertThrows(CacheMissException.class, () -> cache.ranksServedBy(0, 0));
    Future<Void> again = tables.whenComplete(0);
    assertFalse(again.isComplete());
    RankInfo r = world[17];
    assertEquals(EntryOutcome.COMPLETED,
        tables.put(0, 0, 64, 17, r.localRank(), r.localSize(), r.hostId(), topo.serviceProcessOf(r)));
    assertTrue(again.succeeded());
    // a service process leaves: every rank it served goes (64 ranks on 32 hosts: ranks 0, 1 on host 0)
    int sp0 = cache.serviceProcessOf(0, 0);
    long served = java.util.Arrays.stream(world).filter(x -> topo.serviceProcessOf(x) == sp0).count();
    assertEquals(served, tables.removeServedBy(0, 0, sp0));
    assertEquals(64 - served, cache.knownMembers(0));
    assertFalse(cache.contains(0, 0));
  }

  @Test
  void lookupsAllocateNothing() {
    Topology topo = bigTopology();
    TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
    putAll(tables, topo, topo.placeBlock(0, RANKS), 0, 5);
    for (int sp = 0; sp < topo.serviceProcessCount(); sp++) {
      cache.handles().put(new HandleImpl(sp, null, null, null, null));
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long sink = 0;
    for (int round = 0; round < 2; round++) { // the first round warms up (class loading, JIT)
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 100_000; i++) {
        int r = i & (RANKS - 1);
        int sp = cache.serviceProcessOf(0, r);
        sink += sp + cache.hostOf(0, r) + cache.handle(sp).serviceProcessId()
            + cache.ranksServedBy(0, sp).get(0) + cache.groupSize(0)
            + (cache.onSameHost(0, r, (r * 31) & (RANKS - 1)) ? 1 : 0)
            + (cache.onSameServiceProcess(0, r, (r + 4) & (RANKS - 1)) ? 1 : 0)
            + (cache.contains(0, r) && cache.isComplete(0) ? 1 : 0);
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      if (round == 1) {
        assertTrue(allocated < 1024, "800,000 lookups allocated " + allocated + " bytes [" + sink + "]");
      }
    }
  }

  /** Not an assertion on speed (shared machine): prints lookup cost and footprint for the report. */
  @Test
  void measureLookupCostAndBytesPerEntry() {
    Topology topo = bigTopology();
    TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
    putAll(tables, topo, topo.placeBlock(0, RANKS), 0, 4);
    for (int sp = 0; sp < topo.serviceProcessCount(); sp++) {
      cache.handles().put(new HandleImpl(sp, null, null, null, null));
    }
    long sink = 0;
    int n = 20_000_000;
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += cache.serviceProcessOf(0, i & (RANKS - 1));
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += cache.handle(cache.serviceProcessOf(0, (i * 7) & (RANKS - 1))).serviceProcessId();
      }
      long t2 = System.nanoTime();
      if (round == 2) {
        System.out.printf("cache lookup: serviceProcessOf %.1f ns, handleOf %.1f ns; %.1f bytes per entry (%d B for %d)"
                + " [sink %d]%n", (t1 - t0) / (double) n, (t2 - t1) / (double) n,
            tables.bytes() / (double) RANKS, tables.bytes(), RANKS, sink);
      }
    }
  }
}
