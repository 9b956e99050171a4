package io.offload.fault;

import io.offload.bootstrap.impl.OobCodec;
import io.offload.context.impl.ContextImpl;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short connections with distinct claims leave bounded state behind (issue 16, fault 2): each
 * admitted connection that closes must not keep its peer record, channel and socket alive
 * forever. Counts are live instances after a full GC (the JVM's own class histogram) added since the
 * test began, heap is
 * used heap after a full GC.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClosedPeerStateTest {

  static final int HALF = 1500;
  /** The server lists at most this many lost peers (ContextImpl.LOST_PEERS_KEPT). */
  static final int LISTED = 1024;

  @Test
  void shouldKeepBoundedStateForManyShortConnectionsWithDistinctClaims() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions())) {
      Map<String, Long> before = histogram(); // other tests of this JVM may have left objects behind
      connectAndClose(sp, 0, HALF);
      awaitClosed(sp);
      long heapHalf = usedHeapAfterGc();
      connectAndClose(sp, HALF, 2 * HALF);
      awaitClosed(sp);
      long heapFull = usedHeapAfterGc();
      Map<String, Long> live = histogram();
      before.forEach((k, v) -> live.merge(k, -v, Long::sum));
      long peers = live.getOrDefault("io.offload.context.impl.PeerImpl", 0L);
      long channels = live.getOrDefault("io.offload.notify.impl.Channel", 0L);
      long sides = live.getOrDefault("io.offload.bootstrap.impl.ServerBootstrap$ServerSide", 0L);
      long sockets = live.entrySet().stream().filter(e -> e.getKey().startsWith("io.vertx.core.net.impl.NetSocketImpl"))
          .mapToLong(Map.Entry::getValue).sum();
      String report = 2 * HALF + " connections: PeerImpl " + peers + ", Channel " + channels + ", ServerSide " + sides
          + ", NetSocketImpl " + sockets + ", heap after GC " + heapHalf / 1024 + " KiB at " + HALF + " -> "
          + heapFull / 1024 + " KiB at " + 2 * HALF;
      System.out.println(report);
      assertTrue(peers <= LISTED + 16, report);
      assertTrue(channels <= LISTED + 16, report);
      assertTrue(sides <= 16, "no connection object outlives its connection: " + report);
      assertTrue(sockets <= 16, "no socket outlives its connection: " + report);
      // the lost list is full after the first half: the second half adds nothing that stays
      assertTrue(heapFull - heapHalf < HALF * 1024L, "less than 1 KiB kept per connection: " + report);
      sp.assertNormalRankBootstraps();
    }
  }

  private static void connectAndClose(ServerFixture sp, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      try (RawOob oob = RawOob.connect(sp.port())) {
        oob.write(RawOob.hello(RankInfo.of(11, i, 2 * HALF)));
        assertEquals(OobCodec.SERVER_INFO, oob.expect(OobCodec.SERVER_INFO, 10_000).kind());
      }
    }
  }

  /**
   * Every connection ended and its socket closed (a lost peer drops its link then). White-box, as
   * the class counts this test asserts are: no public gauge says a socket has finished closing.
   */
  private static void awaitClosed(ServerFixture sp) {
    sp.awaitNoLivePeersBut(0, 60_000);
    io.offload.testkit.Await.until(() -> "sockets still closing", () -> ((ContextImpl) sp.server).peerImpls().stream()
        .allMatch(p -> p.link() == null), 60, TimeUnit.SECONDS);
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean m = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      best = Math.min(best, m.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  /** Live instances per class after a full GC, from the JVM's GC.class_histogram. */
  static Map<String, Long> histogram() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, Long> counts = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        counts.merge(f[3], Long.parseLong(f[1]), Long::sum);
      }
    }
    return counts;
  }
}
