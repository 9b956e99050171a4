package io.offload.fault;

import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.PhaseChange;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.context.Peer;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.NotificationException;
import io.offload.testkit.Await;
import io.offload.testkit.Jvm;
import io.offload.verticles.Echo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of a peer process at every phase. The survivor (this JVM) must mark the peer
 * DISCONNECTED on its phase address, fail every pending send, release the endpoint, and keep
 * serving a bystander rank that was connected all along. The handshake timeout is long (30 s)
 * so that every loss here is noticed from the dead socket, not from a timer.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KillMatrixTest {

  static final AtomicInteger RANKS = new AtomicInteger(10);
  static ServerFixture sp;
  static Streams.Recorder recorder;
  ExecutionContext bystander;
  int baselineChannels;

  @BeforeAll
  static void start() throws Exception {
    sp = ServerFixture.start(new ServerOptions().setHandshakeTimeout(Duration.ofSeconds(30)));
    recorder = new Streams.Recorder(sp.vertx, sp.engine);
  }

  @AfterAll
  static void stop() {
    if (sp != null) {
      sp.close();
    }
  }

  @BeforeEach
  void connectBystander() throws Exception {
    bystander = sp.connect(RankInfo.of(1, RANKS.incrementAndGet(), 1000));
    Await.until("server sees the bystander", () -> sp.livePeers() == 1
        && sp.peerRecords().stream().anyMatch(p -> p.phase() == BootstrapPhase.BOOTSTRAP_DONE), 10, TimeUnit.SECONDS);
    baselineChannels = sp.engine.notificationStats().channels();
  }

  @AfterEach
  void survivorStillServes() throws Exception {
    sp.assertEchoes(bystander); // connected before the kill, still served after it
    sp.assertNormalRankBootstraps(); // and newcomers too
    Wait.get(bystander.close(), 20);
    sp.awaitNoLivePeersBut(0, 10_000);
  }

  static String[] rawPeer(String mode, int rank) {
    return new String[] {"127.0.0.1", String.valueOf(sp.port()), mode, String.valueOf(rank)};
  }

  static Jvm faultRank(String name, int rank, long incarnation, String mode) {
    return Jvm.start(name, FaultRank.class.getName(), List.of(String.valueOf(sp.port()), "0", String.valueOf(rank),
        "1000", String.valueOf(incarnation), mode, "3000"));
  }

  /** The newest server peer record that is not the bystander's. */
  Peer victim() {
    return sp.peerRecords().stream().filter(p -> p.id() != bystanderPeerId()).reduce((a, b) -> b.id() > a.id() ? b : a)
        .orElseThrow(() -> new AssertionError("no victim peer on the server: " + sp.peerRecords()));
  }

  int bystanderPeerId() {
    return bystander.clientId();
  }

  Peer awaitVictimAt(BootstrapPhase phase) {
    Await.until(() -> "victim at " + phase + ": " + sp.peerRecords(), () -> sp.peerRecords().stream()
        .anyMatch(p -> p.id() != bystanderPeerId() && p.phase() == phase), 20, TimeUnit.SECONDS);
    return sp.peerRecords().stream().filter(p -> p.id() != bystanderPeerId() && p.phase() == phase).findFirst()
        .orElseThrow();
  }

  PhaseChange awaitLoss(int peerId, BootstrapPhase from, long t0) {
    PhaseChange loss = sp.await("peer " + peerId + " DISCONNECTED", c -> c.contextId().equals(sp.server.id())
        && c.peerId() == peerId && c.to() == BootstrapPhase.DISCONNECTED, 10_000);
    assertEquals(from, loss.from(), "" + loss);
    assertEquals(io.offload.context.Departure.LOST, loss.departure(), "killed, not finalized: " + loss);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 10_000, "noticed after " + ms + " ms");
    return loss;
  }

  void assertEndpointReleased(Peer peer) {
    assertThrows(IllegalStateException.class, peer::endpoint, "endpoint of a lost peer");
    Await.until(() -> "channels back to " + baselineChannels + ", now " + sp.engine.notificationStats().channels(),
        () -> sp.engine.notificationStats().channels() == baselineChannels - 0, 10, TimeUnit.SECONDS);
  }

  static void signal(Jvm jvm, String signal) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(jvm.pid())).start().waitFor());
  }

  /** Queues {@code n} sends to a peer that cannot take them; returns their futures. */
  List<Future<Void>> pendingSends(Peer peer, int n) {
    List<Future<Void>> sends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sends.add(sp.server.notify(peer.id(), FaultRank.STREAM, Buffer.buffer(16).appendLong(0).appendLong(i)));
    }
    return sends;
  }

  /** How a kill with sends pending went: sends that failed, and when the kill was issued. */
  record Killed(int failed, long atNanos) {
  }

  /**
   * Stops the victim, queues 3000 sends to it, kills it, waits for the loss to be seen at
   * {@code phase}, checks every send settled (some failed) and the endpoint went.
   */
  Killed killWithSendsPending(Jvm victim, Peer peer, BootstrapPhase phase) throws Exception {
    signal(victim, "STOP");
    List<Future<Void>> sends = pendingSends(peer, 3000);
    long t0 = System.nanoTime();
    victim.kill();
    awaitLoss(peer.id(), phase, t0);
    int failed = assertAllSettledAndCountFailures(sends);
    assertTrue(failed > 0, "some of 3000 sends to a stopped, then killed, peer must fail");
    assertEndpointReleased(peer);
    return new Killed(failed, t0);
  }

  static int assertAllSettledAndCountFailures(List<Future<Void>> sends) {
    Await.until("all sends settled", () -> sends.stream().allMatch(Future::isComplete), 10, TimeUnit.SECONDS);
    int failed = 0;
    for (Future<Void> f : sends) {
      if (f.failed()) {
        failed++;
        assertInstanceOf(NotificationException.class, f.cause());
        assertTrue(f.cause().getMessage().contains("disconnected"), f.cause().getMessage());
      }
    }
    return failed;
  }

  // ------------------------------------------------------------------ the matrix

  @Test
  void killBeforeOob() throws Exception {
    try (Jvm victim = Jvm.start("victim-tcp", RawPeer.class.getName(), List.of(rawPeer("connect", 0)))) {
      victim.awaitLine("connected"::equals, 30, TimeUnit.SECONDS);
      Peer peer = awaitVictimAt(BootstrapPhase.BOOTSTRAP_NOT_INITIATED);
      long t0 = System.nanoTime();
      victim.kill();
      PhaseChange loss = awaitLoss(peer.id(), BootstrapPhase.BOOTSTRAP_NOT_INITIATED, t0);
      assertTrue(loss.reason().contains("closed by the peer"), loss.reason());
      Await.until("record dropped", () -> sp.peerRecords().stream().noneMatch(p -> p.id() == peer.id()), 5,
          TimeUnit.SECONDS);
    }
  }

  @Test
  void killAfterOob() throws Exception {
    int rank = RANKS.incrementAndGet();
    try (Jvm victim = Jvm.start("victim-oob", RawPeer.class.getName(), List.of(rawPeer("hello", rank)))) {
      victim.awaitLine("server-info"::equals, 30, TimeUnit.SECONDS);
      Peer peer = awaitVictimAt(BootstrapPhase.OOB_CONNECT_DONE);
      long t0 = System.nanoTime();
      victim.kill();
      awaitLoss(peer.id(), BootstrapPhase.OOB_CONNECT_DONE, t0);
      assertEndpointReleased(peer);
    }
  }

  @Test
  void killAfterUcxConnect() throws Exception {
    int rank = RANKS.incrementAndGet();
    try (Jvm victim = Jvm.start("victim-ucx", RawPeer.class.getName(), List.of(rawPeer("address", rank)))) {
      victim.awaitLine("client-address"::equals, 30, TimeUnit.SECONDS);
      Peer peer = awaitVictimAt(BootstrapPhase.UCX_CONNECT_DONE);
      int failed = killWithSendsPending(victim, peer, BootstrapPhase.UCX_CONNECT_DONE).failed();
      report("after UCX connect: 3000 sends pending, " + failed + " failed, the rest completed before the kill");
    }
  }

  @Test
  void killAfterBootstrapDoneThenReconnect() throws Exception {
    int rank = RANKS.incrementAndGet();
    try (Jvm victim = faultRank("victim-done", rank, 1, "idle")) {
      victim.awaitLine(l -> l.startsWith("BOOTSTRAP_DONE"), 30, TimeUnit.SECONDS);
      Peer peer = awaitVictimAt(BootstrapPhase.BOOTSTRAP_DONE);
      Killed killed = killWithSendsPending(victim, peer, BootstrapPhase.BOOTSTRAP_DONE);
      int failed = killed.failed();
      long t0 = killed.atNanos();
      assertTrue(sp.server.notify(peer.id(), FaultRank.STREAM, Buffer.buffer()).failed(),
          "a send to a lost peer fails at once");
      report("after BOOTSTRAP_DONE: 3000 sends pending, " + failed + " failed; detected in "
          + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
    // The same (group, rank) comes back in a new process: accepted.
    try (Jvm again = faultRank("victim-again", rank, 2, "idle")) {
      again.awaitLine(l -> l.startsWith("BOOTSTRAP_DONE"), 30, TimeUnit.SECONDS);
      awaitVictimAt(BootstrapPhase.BOOTSTRAP_DONE);
      again.kill();
    }
  }

  @Test
  void killInTheMiddleOfNotificationStreams() throws Exception {
    int rank = RANKS.incrementAndGet();
    long incarnation = 100 + rank;
    try (Jvm victim = faultRank("victim-stream", rank, incarnation, "stream")) {
      victim.awaitLine(l -> l.startsWith("BOOTSTRAP_DONE"), 30, TimeUnit.SECONDS);
      Peer peer = awaitVictimAt(BootstrapPhase.BOOTSTRAP_DONE);
      Streams.Sender toVictim = new Streams.Sender(sp.vertx, sp.engine, sp.server, peer.id(), 40, 256);
      Await.until("both streams flowing", () -> recorder.count(incarnation) > 1000 && toVictim.completed.get() > 1000,
          30, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      victim.kill();
      awaitLoss(peer.id(), BootstrapPhase.BOOTSTRAP_DONE, t0);
      toVictim.stop();
      Await.until("server's sends settled", toVictim::allSettled, 10, TimeUnit.SECONDS);
      assertEndpointReleased(peer);
      // What the victim saw complete before it died arrived here, once each.
      long acked = lastNumber(victim, "acked ");
      assertTrue(acked > 0, victim.output());
      assertEquals(0, recorder.missingBelow(incarnation, acked), "completed at the sender but never delivered");
      assertEquals(List.of(), recorder.duplicates());
      assertTrue(victim.lines().stream().noneMatch(l -> l.startsWith("recv-error")), victim.output());
      report("mid-stream: victim acked " + acked + ", server received " + recorder.count(incarnation)
          + " once each; server sent " + toVictim.sent + " (" + toVictim.completed + " completed, " + toVictim.failed
          + " failed), victim saw " + lastNumber(victim, "got ") + " in order");
    }
  }

  @Test
  void killTheServiceProcessUnderARankThatKeepsGoing() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<PhaseChange> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    OffloadEngine rankEngine = null;
    try (Jvm service = Jvm.offload("sp-victim", "service", "--port", "0", "--id", "9")) {
      int port = service.awaitListeningPort();
      rankEngine = Wait.get(OffloadEngine.create(vertx, new EngineOptions().setName("survivor")), 30);
      vertx.eventBus().<PhaseChange>localConsumer(rankEngine.phaseAddress(), m -> changes.add(m.body()));
      ExecutionContext client = Wait.get(rankEngine.connect(new ClientOptions().setPort(port)
          .setRankInfo(RankInfo.of(0, 0, 1))), 30);
      Streams.Sender toService = new Streams.Sender(vertx, rankEngine, client, 0, 40, 256);
      // The service echoes Echo.TYPE; keep a few of those in flight too.
      List<Future<Void>> echoes = new ArrayList<>();
      Await.until("stream flowing", () -> toService.completed.get() > 500, 30, TimeUnit.SECONDS);
      for (int i = 0; i < 2000; i++) {
        echoes.add(client.notify(0, Echo.TYPE, Buffer.buffer(new byte[64])));
      }
      service.kill();
      Await.until(() -> "rank sees its service process DISCONNECTED: " + changes, () -> changes.stream()
          .anyMatch(c -> c.peerId() == 0 && c.to() == BootstrapPhase.DISCONNECTED), 10, TimeUnit.SECONDS);
      assertEquals(BootstrapPhase.DISCONNECTED, client.phase());
      toService.stop();
      Await.until("rank's sends settled", toService::allSettled, 10, TimeUnit.SECONDS);
      Await.until("echo sends settled", () -> echoes.stream().allMatch(Future::isComplete), 10, TimeUnit.SECONDS);
      assertTrue(client.notify(0, Echo.TYPE, Buffer.buffer()).failed(), "a send to a lost server fails at once");
      assertThrows(IllegalStateException.class, () -> client.peer(0).orElseThrow().endpoint());
      report("service process killed: rank stream " + toService.sent + " sent, " + toService.failed + " failed; echoes "
          + echoes.stream().filter(Future::failed).count() + "/2000 failed");
      // The rank's engine goes on: it bootstraps with another server at once.
      ExecutionContext other = Wait.get(rankEngine.connect(sp.clientOptions(RankInfo.of(2, 0, 1))), 30);
      sp.assertEchoes(vertx, other);
    } finally {
      if (rankEngine != null) {
        Wait.get(rankEngine.close(), 30); // also when the test failed: its threads must not outlive it
      }
      Wait.get(vertx.close(), 30);
    }
  }

  static void report(String line) {
    System.out.println("KILL-MATRIX " + line);
  }

  static long lastNumber(Jvm jvm, String prefix) {
    long v = -1;
    for (String l : jvm.lines()) {
      if (l.startsWith(prefix)) {
        v = Long.parseLong(l.substring(prefix.length()).trim());
      }
    }
    return v;
  }
}
