package io.offload.fault;

import io.offload.context.BootstrapPhase;
import io.offload.context.ServerOptions;
import io.offload.context.Peer;
import io.offload.testkit.Await;
import io.offload.testkit.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several ranks (child JVMs) stream notifications to a server here while the server streams to
 * them; every few seconds one rank is killed with SIGKILL and restarted as the same (group,
 * rank). Afterwards: every notification a sender saw complete was delivered exactly once, in
 * order, in both directions (server to ranks: for the ranks alive at the end).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SoakTest {

  static final int RANKS = 3;
  static final long SOAK_MS = Long.getLong("soak.ms", 20_000);

  /** One rank position: its current process and the server's stream to it. */
  static final class Slot {
    final int rank;
    long incarnation;
    Jvm jvm;
    Peer peer;
    Streams.Sender toRank;

    Slot(int rank) {
      this.rank = rank;
    }
  }

  final List<String> kills = new ArrayList<>();
  final List<long[]> ackedByIncarnation = new ArrayList<>(); // {incarnation, acked}
  final List<Streams.Sender> finishedSenders = new ArrayList<>();

  @Test
  void shouldDeliverEveryCompletedNotificationExactlyOnceWhileRanksAreKilledAndRestarted() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions().setHandshakeTimeout(Duration.ofSeconds(30)))) {
      Streams.Recorder recorder = new Streams.Recorder(sp.vertx, sp.engine);
      List<Slot> slots = new ArrayList<>();
      long nextIncarnation = 1;
      try {
        for (int r = 0; r < RANKS; r++) {
          Slot s = new Slot(r);
          slots.add(s);
          launch(sp, s, nextIncarnation++);
        }
        for (Slot s : slots) {
          attach(sp, s);
        }
        long end = System.nanoTime() + SOAK_MS * 1_000_000L;
        int victim = 0;
        while (System.nanoTime() < end) {
          Thread.sleep(2500); // let traffic flow between kills
          Slot s = slots.get(victim++ % RANKS);
          // on a loaded machine a fresh JVM may need longer than the pause to get traffic going
          Await.until(() -> "rank " + s.rank + " i" + s.incarnation + " acks a send",
              () -> KillMatrixTest.lastNumber(s.jvm, "acked ") > 0, 30, TimeUnit.SECONDS);
          killAndForget(sp, s);
          launch(sp, s, nextIncarnation++);
          attach(sp, s);
        }
        // Quiesce the server's streams to the live ranks; each must have received all of its stream.
        for (Slot s : slots) {
          s.toRank.stop();
        }
        for (Slot s : slots) {
          Await.until("server's sends to rank " + s.rank + " settled", s.toRank::allSettled, 10, TimeUnit.SECONDS);
          assertEquals(0, s.toRank.failed.get(), "a send to a live rank failed: " + s.toRank.failures);
          long expected = s.toRank.completed.get();
          Await.until(() -> "rank " + s.rank + " got " + KillMatrixTest.lastNumber(s.jvm, "got ") + " of " + expected,
              () -> KillMatrixTest.lastNumber(s.jvm, "got ") == expected, 10, TimeUnit.SECONDS);
        }
        for (Slot s : slots) {
          // the last incarnations too (a fresh JVM on a loaded machine may not have sent anything yet)
          Await.until(() -> "rank " + s.rank + " i" + s.incarnation + " acks a send",
              () -> KillMatrixTest.lastNumber(s.jvm, "acked ") > 0, 30, TimeUnit.SECONDS);
          killAndForget(sp, s);
        }
      } finally {
        slots.forEach(s -> {
          if (s.jvm != null) {
            s.jvm.close();
          }
        });
      }
      // Ranks to server: everything each incarnation saw complete arrived exactly once.
      long totalAcked = 0;
      for (long[] ia : ackedByIncarnation) {
        assertTrue(ia[1] > 0, "incarnation " + ia[0] + " never got a send through");
        assertEquals(0, recorder.missingBelow(ia[0], ia[1]), "incarnation " + ia[0] + ": completed at the sender, "
            + "never delivered");
        totalAcked += ia[1];
      }
      assertEquals(List.of(), recorder.duplicates(), "delivered twice");
      for (Streams.Sender s : finishedSenders) {
        assertTrue(s.allSettled(), "a send to a killed rank never settled");
      }
      sp.awaitNoLivePeersBut(0, 10_000);
      sp.assertNormalRankBootstraps();
      System.out.println("SOAK " + kills.size() + " kills (" + String.join(", ", kills) + "); " + ackedByIncarnation.size()
          + " incarnations; ranks->server: " + totalAcked + " completed, " + recorder.total + " delivered, 0 lost, "
          + "0 duplicated; server->ranks: " + finishedSenders.stream().mapToLong(x -> x.completed.get()).sum()
          + " completed, " + finishedSenders.stream().mapToLong(x -> x.failed.get()).sum() + " failed at kills");
    }
  }

  private void launch(ServerFixture sp, Slot s, long incarnation) {
    s.incarnation = incarnation;
    s.jvm = Jvm.start("soak-rank" + s.rank + "-i" + incarnation, FaultRank.class.getName(), List.of(
        String.valueOf(sp.port()), "5", String.valueOf(s.rank), String.valueOf(RANKS), String.valueOf(incarnation),
        "stream", "2000"));
  }

  /** Waits for the rank to bootstrap, then starts the server's stream to it. */
  private void attach(ServerFixture sp, Slot s) throws Exception {
    String line = s.jvm.awaitLine(l -> l.startsWith("BOOTSTRAP_DONE"), 60, TimeUnit.SECONDS);
    int peerId = Integer.parseInt(line.substring("BOOTSTRAP_DONE ".length()).trim());
    Await.until("server has rank " + s.rank, () -> sp.peerRecords().stream()
        .anyMatch(p -> p.id() == peerId && p.phase() == BootstrapPhase.BOOTSTRAP_DONE), 10, TimeUnit.SECONDS);
    s.peer = sp.peerRecords().stream().filter(p -> p.id() == peerId).findFirst().orElseThrow();
    s.toRank = new Streams.Sender(sp.vertx, sp.engine, sp.server, peerId, 20, 128);
  }

  private void killAndForget(ServerFixture sp, Slot s) {
    s.jvm.kill();
    int peerId = s.peer.id();
    sp.await("rank " + s.rank + " (peer " + peerId + ") lost", c -> c.peerId() == peerId
        && c.to() == BootstrapPhase.DISCONNECTED, 10_000);
    s.toRank.stop();
    Await.until("sends to the killed rank settled", s.toRank::allSettled, 10, TimeUnit.SECONDS);
    finishedSenders.add(s.toRank);
    assertTrue(s.jvm.lines().stream().noneMatch(l -> l.startsWith("recv-error")), s.jvm.output());
    ackedByIncarnation.add(new long[] {s.incarnation, KillMatrixTest.lastNumber(s.jvm, "acked ")});
    kills.add("rank " + s.rank + " i" + s.incarnation);
    s.jvm.close();
  }
}
