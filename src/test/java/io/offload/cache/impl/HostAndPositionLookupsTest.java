package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.GroupCache;
import io.offload.cache.IntView;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.topology.RankInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The C original's cache test at full size: 32 hosts x 4 service processes x 16 ranks = 2,048
 * ranks, at the data-structure level, through the {@link GroupCache} lookups. Every query of the
 * C original (by host, by position) is checked for every host, service process and rank against
 * an independent computation from the topology (rank to host from its rank info, to service
 * process by {@code localRank % service processes of its host}, lists by brute force).
 */
public class HostAndPositionLookupsTest {

  static final int MY_HOST = 7;

  /** Ground truth from the topology alone. */
  static int spOf(Topology topo, RankInfo r) {
    List<ServiceProcessSpec> onHost = topo.host(r.hostId()).serviceProcesses();
    return onHost.get(r.localRank() % onHost.size()).globalId();
  }

  static List<Integer> list(IntView v) {
    return v.stream().boxed().toList();
  }

  static TestCache fill(Topology topo, RankInfo[] ranks) {
    TestCache c = new TestCache(t -> { }, 1 << 24, MY_HOST);
    for (RankInfo r : ranks) {
      c.tables().put(r.groupId(), 0, r.groupSize(), r.rank(), r.localRank(), r.localSize(), r.hostId(), spOf(topo, r));
    }
    assertTrue(c.isComplete(ranks[0].groupId()));
    return c;
  }

  /** Every query, every host / service process / rank, against brute force over {@code ranks}. */
  static void checkEveryQuery(Topology topo, GroupCache c, RankInfo[] ranks) {
    checkEveryQuery(topo, c, ranks, MY_HOST);
  }

  /**
   * As {@link #checkEveryQuery(Topology, GroupCache, RankInfo[])}, for any cache (a real
   * engine's too) of a process on host {@code myHost}: {@code ranks} is the whole group, the
   * topology's placement ({@code localRank % service processes of the host}) the ground truth.
   */
  public static void checkEveryQuery(Topology topo, GroupCache c, RankInfo[] ranks, int myHost) {
    int g = ranks[0].groupId();
    TreeMap<Integer, List<Integer>> ranksByHost = new TreeMap<>();
    TreeMap<Integer, List<Integer>> ranksBySp = new TreeMap<>();
    TreeMap<Integer, TreeSet<Integer>> spsByHost = new TreeMap<>();
    for (RankInfo r : ranks) { // ranks ascending, so every list is too
      ranksByHost.computeIfAbsent(r.hostId(), h -> new ArrayList<>()).add(r.rank());
      ranksBySp.computeIfAbsent(spOf(topo, r), s -> new ArrayList<>()).add(r.rank());
      spsByHost.computeIfAbsent(r.hostId(), h -> new TreeSet<>()).add(spOf(topo, r));
    }
    List<Integer> hosts = new ArrayList<>(ranksByHost.keySet());
    List<Integer> sps = new ArrayList<>(ranksBySp.keySet());
    assertEquals(hosts, list(c.hosts(g)));
    assertEquals(sps, list(c.serviceProcesses(g)));

    for (int h = 0; h < topo.hosts().size(); h++) {
      int idx = hosts.indexOf(h);
      assertEquals(idx, c.hostIndex(g, h), "get_host_idx_by_group, host " + h);
      List<Integer> onHost = ranksByHost.getOrDefault(h, List.of());
      assertEquals(onHost, list(c.ranksOnHost(g, h)), "get_group_ranks_on_host, host " + h);
      if (idx < 0) {
        continue;
      }
      assertEquals(onHost, list(c.ranksOnHostIndex(g, idx)), "get_num_ranks_for_group_host_idx");
      List<Integer> hostSps = new ArrayList<>(spsByHost.get(h));
      IntView spView = c.serviceProcessesOnHostIndex(g, idx);
      assertEquals(hostSps, list(spView), "get_all_sps_by_group_host_idx, host " + h);
      assertEquals(hostSps.size(), spView.size(), "get_num_sps_by_group_host_idx");
      for (int n = 0; n < hostSps.size(); n++) {
        int sp = hostSps.get(n);
        assertEquals(sp, spView.get(n), "get_nth_sp_by_group_host_idx");
        assertEquals(n, c.serviceProcessLocalIndex(g, sp), "get_local_sp_id_by_group, sp " + sp);
        IntView served = c.ranksOfLocalServiceProcess(g, idx, n);
        assertEquals(ranksBySp.get(sp), list(served), "get_all_ranks_by_group_sp_lid, host " + h + " lid " + n);
        assertSame(c.ranksServedBy(g, sp), served);
      }
      for (int i = 0; i < onHost.size(); i++) {
        assertEquals(i, c.rankIndexOnHost(g, idx, onHost.get(i)), "get_rank_idx_by_group_host_idx");
      }
      assertEquals(c.ranksOfLocalServiceProcess(g, idx, hostSps.size()), IntView.EMPTY);
    }
    for (int sp = 0; sp < topo.serviceProcessCount(); sp++) {
      int gi = sps.indexOf(sp);
      assertEquals(gi, c.serviceProcessGroupIndex(g, sp), "get_sp_group_gid, sp " + sp);
      if (gi >= 0) {
        assertEquals(sp, c.serviceProcessAt(g, gi), "get_global_sp_id_by_group");
        List<Integer> served = ranksBySp.get(sp);
        for (int i = 0; i < served.size(); i++) {
          assertEquals(i, c.rankIndexOnServiceProcess(g, sp, served.get(i)), "get_rank_idx_by_group_sp_id");
        }
      } else {
        assertEquals(-1, c.serviceProcessLocalIndex(g, sp));
      }
    }
    for (RankInfo r : ranks) { // a rank is found on its own host and service process only
      int otherHost = c.hostIndex(g, r.hostId()) == 0 ? c.hosts(g).size() - 1 : 0;
      if (c.hosts(g).get(otherHost) != r.hostId()) {
        assertEquals(-1, c.rankIndexOnHost(g, otherHost, r.rank()));
      }
    }
    List<Integer> local = new ArrayList<>(spsByHost.getOrDefault(myHost, new TreeSet<>()));
    assertEquals(local, list(c.localServiceProcesses(g)), "get_group_local_sps on host " + myHost);
    assertEquals(IntView.EMPTY, c.ranksOnHostIndex(g, hosts.size()));
    assertEquals(IntView.EMPTY, c.serviceProcessesOnHostIndex(g, -1));
    assertThrows(CacheMissException.class, () -> c.serviceProcessAt(g, sps.size()));
  }

  @Test
  void theCOriginalsCacheTestAtFullSizeBlockPlacement() {
    Topology topo = CacheTablesTest.bigTopology();
    RankInfo[] ranks = topo.placeBlock(0, 2048); // 64 ranks per host, 16 per service process
    TestCache c = fill(topo, ranks);
    assertEquals(32, c.hosts(0).size());
    assertEquals(128, c.serviceProcesses(0).size());
    checkEveryQuery(topo, c, ranks);
  }

  @Test
  void roundRobinPlacementAndASubGroupOnSomeHostsAndServiceProcesses() {
    Topology topo = CacheTablesTest.bigTopology();
    RankInfo[] rr = new RankInfo[2048]; // rank r on host r % 32: hosts hold non-contiguous ranks
    for (int r = 0; r < rr.length; r++) {
      rr[r] = new RankInfo(0, r, rr.length, r / 32, 64, r % 32);
    }
    checkEveryQuery(topo, fill(topo, rr), rr);

    // a sub-group on the odd hosts, local ranks 0 and 1 only: 2 of the 4 service processes each,
    // so positions differ from ids everywhere (host 7 is one of them: its local service processes)
    List<RankInfo> sub = new ArrayList<>();
    for (int h = 1; h < 32; h += 2) {
      for (int l = 0; l < 2; l++) {
        sub.add(new RankInfo(3, sub.size(), 32, l, 2, h));
      }
    }
    RankInfo[] subRanks = sub.toArray(RankInfo[]::new);
    TestCache c = fill(topo, subRanks);
    assertEquals(16, c.hosts(3).size());
    assertEquals(2, c.hostIndex(3, 5));
    assertEquals(-1, c.hostIndex(3, 4));
    assertEquals(List.of(28, 29), list(c.localServiceProcesses(3)));
    checkEveryQuery(topo, c, subRanks);
  }

  @Test
  void theyNeedTheWholeGroup() {
    TestCache c = new TestCache(t -> { }, 1 << 24, MY_HOST);
    c.tables().put(0, 0, 4, 0, 0, 4, 0, 0);
    assertThrows(CacheMissException.class, () -> c.ranksOnHost(0, 0));
    assertThrows(CacheMissException.class, () -> c.hostIndex(0, 0));
    assertThrows(CacheMissException.class, () -> c.localServiceProcesses(0));
    assertThrows(CacheMissException.class, () -> c.serviceProcessGroupIndex(1, 0));
  }

  @Test
  void theyAllocateNothing() {
    Topology topo = CacheTablesTest.bigTopology();
    TestCache c = fill(topo, topo.placeBlock(0, 2048));
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long sink = 0;
    for (int round = 0; round < 4; round++) { // warm-up rounds first (class loading, JIT)
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 100_000; i++) {
        int r = i & 2047;
        int h = c.hostOf(0, r);
        int hi = c.hostIndex(0, h);
        int sp = c.serviceProcessOf(0, r);
        sink += c.ranksOnHost(0, h).size() + c.ranksOnHostIndex(0, hi).get(0) + c.rankIndexOnHost(0, hi, r)
            + c.serviceProcessesOnHostIndex(0, hi).get(1) + c.localServiceProcesses(0).size()
            + c.serviceProcessGroupIndex(0, sp) + c.serviceProcessAt(0, i & 127) + c.serviceProcessLocalIndex(0, sp)
            + c.rankIndexOnServiceProcess(0, sp, r) + c.ranksOfLocalServiceProcess(0, hi, i & 3).size();
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      if (round == 3) { // one allocation per call would be >= 16 MB; a few hundred bytes are the JIT's
        assertTrue(allocated < 4096, "1,000,000 lookups allocated " + allocated + " bytes [" + sink + "]");
      }
    }
  }
}
