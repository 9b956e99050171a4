package io.offload.cache.impl;

import io.offload.cache.EntryOutcome;
import io.offload.topology.Topology;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory follows the entries present (issue 12, issue 16 item 1): a huge claimed size costs
 * kilobytes, a maximum group size is enforced, an empty group is freed, and a wrong early claim
 * stops pinning a group's size once it has left (issue 16 item 8).
 */
class CacheMemoryTest {

  static final int HUGE = 100_000_000;

  static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void fourRanksClaimingAGroupOf10e8CostKilobytesNotGigabytes() {
    TestCache cache = new TestCache(t -> { }, Integer.MAX_VALUE, -1);
    CacheTables tables = cache.tables();
    long heap0 = heapAfterGc();
    long alloc0 = allocatedByThisThread();
    // the attack of issue 16: four ranks, each claiming its own group of 10^8 (4 x 1.6 GB before)
    for (int g = 1; g <= 4; g++) {
      assertEquals(EntryOutcome.ADDED, tables.put(g, 0, HUGE, HUGE - g, 0, 1, 0, 0));
    }
    // and one group of 10^8 with 4 entries far apart
    int[] spread = {0, 33_333_333, 66_666_666, HUGE - 1};
    for (int i = 0; i < spread.length; i++) {
      assertEquals(EntryOutcome.ADDED, tables.put(9, 0, HUGE, spread[i], i, 4, 7, 3));
    }
    long allocated = allocatedByThisThread() - alloc0;
    long held = tables.bytes();
    long retained = heapAfterGc() - heap0;
    System.out.printf("10^8 claims: 8 entries in 5 groups hold %d B (accounted), allocated %d B, heap +%d B%n",
        held, allocated, retained);
    assertTrue(held < 100_000, "8 entries of groups claimed at 10^8 hold " + held + " B");
    assertTrue(allocated < 1_000_000, "filling them allocated " + allocated + " B");
    assertTrue(retained < 16_000_000, "the heap grew by " + retained + " B");

    // the entries are there and the rest is a clean miss
    for (int i = 0; i < spread.length; i++) {
      assertEquals(3, cache.serviceProcessOf(9, spread[i]));
      assertEquals(7, cache.hostOf(9, spread[i]));
      assertEquals(new RankInfo(9, spread[i], HUGE, i, 4, 7), cache.rankInfo(9, spread[i]).orElseThrow());
    }
    assertFalse(cache.contains(9, 1));
    assertTrue(cache.rankInfo(9, 50_000_000).isEmpty());
    assertEquals(4, cache.members(9).size());
    assertEquals(HUGE, cache.groupSize(9));
    assertEquals(4, cache.knownMembers(9));
    assertEquals(8, tables.entryCount());
    assertEquals(cache.digest(9), cache.digest(9));
  }

  @Test
  void aGroupAboveTheMaximumIsRefusedWithTheReason() {
    assertEquals(1 << 24, io.offload.cache.CacheOptions.DEFAULT_MAX_GROUP_SIZE);
    TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
    assertEquals(io.offload.cache.CacheOptions.DEFAULT_MAX_GROUP_SIZE, tables.maxGroupSize());
    assertEquals(EntryOutcome.TOO_LARGE, tables.put(0, 0, HUGE, 5, 0, 1, 0, 0));
    assertEquals(EntryOutcome.TOO_LARGE, tables.put(0, 0, Integer.MAX_VALUE, 5, 0, 1, 0, 0));
    assertEquals(0, tables.groups().length);
    assertEquals(0, tables.bytes());
    String why = Admission.refusal(tables, new RankInfo(0, 5, HUGE, 0, 1, 0));
    assertNotNull(why);
    assertTrue(why.contains("exceeds the maximum group size 16777216"), why);
    assertNull(Admission.refusal(tables, new RankInfo(0, 5, 1 << 24, 0, 1, 0)));
  }

  @Test
  void aGroupWithNoEntriesLeftIsFreedAndAWaiterKeepsWaitingForIt() {
    Topology topo = CacheTablesTest.bigTopology();
    RankInfo[] ranks = topo.placeBlock(5, 64);
    TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
    CacheTablesTest.putAll(tables, topo, ranks, 0, 1);
    assertTrue(cache.isComplete(5));
    assertTrue(tables.bytes() > 0);
    for (RankInfo r : ranks) {
      assertTrue(tables.remove(5, 0, r.rank()));
    }
    assertEquals(0, tables.groups().length, "the empty group is gone");
    assertEquals(0, tables.entryCount());
    assertEquals(0, tables.bytes());
    Future<Void> back = tables.whenComplete(5);
    RankInfo[] fewer = topo.placeBlock(5, 3);
    CacheTablesTest.putAll(tables, topo, fewer, 0, 2);
    assertTrue(back.succeeded(), "a waiter of the freed group completes when it is whole again");
    assertEquals(3, cache.groupSize(5));
  }

  @Test
  void aRemovalOnlyTakesAnEntryOfTheServiceProcessThatSentIt() {
    TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
    tables.put(0, 0, 4, 1, 0, 1, 0, 2);
    assertFalse(tables.remove(0, 0, 1, 3), "service process 3 does not serve rank 1");
    assertTrue(cache.contains(0, 1));
    assertTrue(tables.remove(0, 0, 1, 2));
  }

  @Test
  void aWrongEarlyClaimPinsTheSizeOnlyWhileItsClaimantIsThere() {
    TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
    // a wrong claim first: group 0 of size 8 (the job has 4 ranks)
    assertEquals(EntryOutcome.ADDED, tables.put(0, 0, 8, 3, 3, 8, 0, 0));
    RankInfo legit = new RankInfo(0, 1, 4, 1, 4, 0);
    String why = Admission.refusal(tables, legit);
    assertNotNull(why, "the legitimate rank is told at bootstrap");
    assertTrue(why.contains("has size 8 here") && why.contains("claims size 4"), why);
    assertEquals(EntryOutcome.CONFLICT, tables.put(0, 0, 4, 1, 1, 4, 0, 0));
    // the wrong claimant leaves: nothing pins the group any more
    assertTrue(tables.remove(0, 0, 3));
    assertNull(Admission.refusal(tables, legit));
    for (int r = 0; r < 4; r++) {
      EntryOutcome o = tables.put(0, 0, 4, r, r, 4, 0, 0);
      assertEquals(r == 3 ? EntryOutcome.COMPLETED : EntryOutcome.ADDED, o);
    }
    assertEquals(4, cache.groupSize(0));
  }

  @Test
  void aWholeGroupCostsAtMost32BytesPerEntry() {
    Topology topo = CacheTablesTest.bigTopology();
    for (int n : new int[] {2048, 65_536}) {
      TestCache cache = new TestCache();
    CacheTables tables = cache.tables();
      CacheTablesTest.putAll(tables, topo, topo.placeBlock(0, n), 0, 3);
      assertTrue(cache.isComplete(0));
      double perEntry = tables.bytes() / (double) n;
      System.out.printf("whole group of %d: %.1f B per entry (%d B)%n", n, perEntry, tables.bytes());
      assertTrue(perEntry <= 32, n + " ranks: " + perEntry + " B per entry");
    }
  }
}
