package io.offload.fault;

import io.offload.context.BootstrapPhase;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.OffloadEngine;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank that reconnects right after closing its old connection is accepted, even before the
 * server has processed the close (issue 16, fault 4); a live holder stays protected
 * ({@link DuplicateClaimTest}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReconnectTest {

  @Test
  void shouldAcceptFiftyReconnectsInARow() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions())) {
      RankInfo rank = new RankInfo(5, 1, 4, 1, 4, 0);
      ExecutionContext c = sp.connect(rank);
      List<String> refused = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Wait.get(c.close(), 20);
        try {
          c = sp.connect(rank);
        } catch (Exception e) {
          refused.add("reconnect " + i + ": " + e.getMessage());
          c = reconnectEventually(sp, rank);
        }
      }
      assertEquals(BootstrapPhase.BOOTSTRAP_DONE, c.phase());
      sp.assertEchoes(c);
      Wait.get(c.close(), 20);
      assertEquals(List.of(), refused);
    }
  }

  @Test
  void shouldAcceptAStormOfReconnects() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions())) {
      int ranks = 40;
      int rounds = 5; // 200 reconnects
      OffloadEngine clients = sp.clientEngine();
      List<ExecutionContext> live = new ArrayList<>();
      for (int r = 0; r < ranks; r++) {
        live.add(sp.connect(RankInfo.of(6, r, ranks)));
      }
      List<String> refused = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        List<Future<ExecutionContext>> again = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
          RankInfo rank = RankInfo.of(6, r, ranks);
          again.add(live.get(r).close().compose(v -> clients.connect(sp.clientOptions(rank))));
        }
        for (int r = 0; r < ranks; r++) {
          try {
            live.set(r, Wait.get(again.get(r), 60));
          } catch (Exception e) {
            refused.add("round " + round + " rank " + r + ": " + e.getMessage());
            live.set(r, reconnectEventually(sp, RankInfo.of(6, r, ranks)));
          }
        }
      }
      for (ExecutionContext c : live) {
        assertEquals(BootstrapPhase.BOOTSTRAP_DONE, c.phase());
      }
      sp.assertEchoes(live.get(0));
      assertEquals(List.of(), refused, refused.size() + " of " + ranks * rounds + " reconnects refused");
      for (ExecutionContext c : live) {
        Wait.get(c.close(), 20);
      }
    }
  }

  @Test
  void shouldAcceptFiftyRawReconnectsInARowRightAfterTheSocketCloses() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions())) {
      RankInfo rank = new RankInfo(7, 2, 4, 2, 4, 0);
      List<String> refused = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        try (RawOob oob = RawOob.connect(sp.port())) {
          oob.write(RawOob.hello(rank));
          RawOob.Frame f = oob.read(10_000);
          if (f == null || f.kind() != io.offload.bootstrap.impl.OobCodec.SERVER_INFO) {
            refused.add("connection " + i + ": " + f);
          }
        } // closed on the wire here; the next HELLO may arrive before the server processes the close
      }
      assertEquals(List.of(), refused, refused.size() + " of 50 refused");
      sp.assertNormalRankBootstraps();
    }
  }

  @Test
  void shouldAcceptAStormOfRawReconnects() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions())) {
      int ranks = 40;
      int rounds = 5; // 200 reconnects, 40 at a time
      List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(ranks);
      try {
        List<java.util.concurrent.Future<?>> all = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
          RankInfo rank = RankInfo.of(8, r, ranks);
          all.add(pool.submit(() -> {
            for (int round = 0; round < rounds; round++) {
              try (RawOob oob = RawOob.connect(sp.port())) {
                oob.write(RawOob.hello(rank));
                RawOob.Frame f = oob.read(30_000);
                if (f == null || f.kind() != io.offload.bootstrap.impl.OobCodec.SERVER_INFO) {
                  refused.add("rank " + rank.rank() + " round " + round + ": " + f);
                }
              }
            }
            return null;
          }));
        }
        for (var f : all) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(List.of(), refused, refused.size() + " of " + ranks * rounds + " refused");
      sp.assertNormalRankBootstraps();
    }
  }

  /** After a refusal: the server processes the old close eventually; then the claim must go through. */
  private static ExecutionContext reconnectEventually(ServerFixture sp, RankInfo rank) throws Exception {
    for (int i = 0; ; i++) {
      try {
        return sp.connect(rank);
      } catch (Exception e) {
        assertTrue(i < 50, "never accepted again: " + e.getMessage());
        Thread.sleep(100);
      }
    }
  }
}
