package io.offload.cache.impl;

import io.offload.cache.CacheDigest;
import io.offload.cache.CacheMissException;
import io.offload.cache.EntryOutcome;
import io.offload.topology.RankInfo;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shadow service processes as a data structure, at the C original's full size (32 hosts x 4
 * service processes, 2,048 ranks) with 2 service processes per rank: a group is whole once every
 * rank and its shadow are known, whatever the order; lookups by index agree with the topology and
 * allocate nothing; a service process that leaves takes only what it served.
 */
class ShadowTablesTest {

  static final Topology TOPO = CacheTablesTest.bigTopology().withServiceProcessesPerRank(2);
  static final RankInfo[] RANKS = TOPO.placeBlock(0, CacheTablesTest.RANKS);

  /** Every (rank, index) entry, shuffled: shadows may come before their primaries. */
  static TestCache filled(long seed) {
    TestCache cache = new TestCache();
    List<int[]> puts = new ArrayList<>();
    for (RankInfo r : RANKS) {
      puts.add(new int[] {r.rank(), 0});
      puts.add(new int[] {r.rank(), 1});
    }
    Collections.shuffle(puts, new Random(seed));
    for (int i = 0; i < puts.size(); i++) {
      RankInfo r = RANKS[puts.get(i)[0]];
      int index = puts.get(i)[1];
      int sp = TOPO.serviceProcessesFor(r.hostId(), r.localRank()).get(index).globalId();
      EntryOutcome o = cache.tables().put(0, 0, r.groupSize(), r.rank(), r.localRank(), r.localSize(), r.hostId(), sp,
          index, 2);
      assertEquals(i == puts.size() - 1 ? EntryOutcome.COMPLETED : EntryOutcome.ADDED, o, "put " + i);
    }
    return cache;
  }

  @Test
  void aGroupIsWholeOnceEveryShadowIsKnownAndLookupsTakeTheIndex() {
    TestCache cache = filled(7);
    assertTrue(cache.isComplete(0));
    assertEquals(2, cache.serviceProcessesPerRank(0));
    assertEquals(CacheTablesTest.RANKS, cache.knownMembers(0));
    assertEquals(CacheTablesTest.RANKS, cache.entryCount(), "entries count ranks, not shadows");
    for (RankInfo r : RANKS) {
      List<ServiceProcessSpec> its = TOPO.serviceProcessesFor(r.hostId(), r.localRank());
      assertEquals(its.get(0).globalId(), cache.serviceProcessOf(0, r.rank()));
      assertEquals(its.get(0).globalId(), cache.serviceProcessOf(0, r.rank(), 0));
      assertEquals(its.get(1).globalId(), cache.serviceProcessOf(0, r.rank(), 1));
      assertEquals(r, cache.rankInfo(0, r.rank()).orElseThrow());
    }
    assertEquals(CacheDigest.expected(TOPO, RANKS), cache.digest(0));
    assertEquals(CacheDigest.expected(TOPO, RANKS), filled(8).digest(0), "the order does not matter");
    assertThrows(CacheMissException.class, () -> cache.serviceProcessOf(0, 0, 2));
    assertThrows(CacheMissException.class, () -> cache.serviceProcessOf(0, 0, -1));
    // by host and by position: primaries, 16 ranks each
    assertEquals(16, cache.ranksServedBy(0, 5).size());
    // a rank of another width conflicts
    RankInfo r0 = RANKS[0];
    assertEquals(EntryOutcome.CONFLICT, cache.tables().put(0, 0, r0.groupSize(), 0, r0.localRank(), r0.localSize(),
        r0.hostId(), 0));
    double perEntry = cache.tables().bytes() / (double) CacheTablesTest.RANKS;
    System.out.printf("whole group of %d with 2 service processes per rank: %.1f B per entry%n", RANKS.length, perEntry);
    assertTrue(perEntry <= 40, perEntry + " B per entry");
  }

  @Test
  void indexLookupsAllocateNothing() {
    TestCache cache = filled(3);
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long sink = 0;
    for (int round = 0; round < 4; round++) {
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 500_000; i++) {
        sink += cache.serviceProcessOf(0, i & 2047, i & 1) + cache.serviceProcessesPerRank(0);
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      if (round == 3) {
        assertTrue(allocated < 4096, "500,000 lookups allocated " + allocated + " bytes [" + sink + "]");
      }
    }
  }

  @Test
  void aServiceProcessThatLeavesTakesOnlyWhatItServed() {
    TestCache cache = filled(11);
    CacheTables t = cache.tables();
    // rank 1 (host 0, local 1): primary 1, shadow 2; service process 2 loses its link to it
    assertTrue(t.remove(0, 0, 1, 2));
    assertFalse(cache.isComplete(0));
    assertEquals(1, cache.serviceProcessOf(0, 1));
    assertThrows(CacheMissException.class, () -> cache.serviceProcessOf(0, 1, 1));
    assertFalse(t.remove(0, 0, 1, 2), "gone already");
    RankInfo r1 = RANKS[1];
    assertEquals(EntryOutcome.COMPLETED, t.put(0, 0, r1.groupSize(), 1, r1.localRank(), r1.localSize(), r1.hostId(), 2,
        1, 2), "back, whole again");

    // service process 5 leaves: the ranks it is the primary of go, and its place as a shadow of others
    int[] before = new int[RANKS.length];
    for (RankInfo r : RANKS) {
      before[r.rank()] = cache.serviceProcessOf(0, r.rank(), 1);
    }
    int touched = t.removeServedBy(0, 0, 5);
    assertEquals(32, touched, "16 as primary, 16 as shadow");
    for (RankInfo r : RANKS) {
      List<ServiceProcessSpec> its = TOPO.serviceProcessesFor(r.hostId(), r.localRank());
      assertEquals(its.get(0).globalId() != 5, cache.contains(0, r.rank()));
      if (before[r.rank()] == 5) {
        assertThrows(CacheMissException.class, () -> cache.serviceProcessOf(0, r.rank(), 1));
      } else if (cache.contains(0, r.rank())) {
        assertEquals(before[r.rank()], cache.serviceProcessOf(0, r.rank(), 1));
      }
    }
  }

  @Test
  void persistentGroupsKeepTheirShadowsAcrossARevoke() {
    TestCache cache = filled(5);
    CacheTables t = cache.tables();
    t.persistent(true);
    assertTrue(t.revoke(0, 0));
    assertFalse(cache.isComplete(0));
    RankInfo r = RANKS[9];
    int sp = TOPO.serviceProcessesFor(r.hostId(), r.localRank()).get(0).globalId();
    assertEquals(EntryOutcome.COMPLETED, t.put(0, 1, r.groupSize(), r.rank(), r.localRank(), r.localSize(), r.hostId(),
        sp, 0, 2), "re-added with the same members: whole at once, shadows included");
    assertEquals(CacheDigest.expected(TOPO, RANKS), cache.digest(0));
  }
}
