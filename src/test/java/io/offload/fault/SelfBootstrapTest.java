package io.offload.fault;

import io.offload.bootstrap.impl.OobCodec;
import io.offload.context.BootstrapPhase;
import io.offload.context.PhaseChange;
import io.offload.topology.RankInfo;
import io.offload.context.Scope;
import io.offload.context.ServerOptions;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plain socket with no UCX at all must not get a server to bootstrap with itself (issue 16,
 * fault 5). The attack: learn the channel id the server will give the next connection, claim it
 * as our channel in HELLO (so the server's own probe lands on this very connection), send the
 * server's own worker address back as CLIENT_ADDRESS, and echo whatever READY the server sends.
 * The server must refuse with an ERROR and never reach BOOTSTRAP_DONE with that peer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SelfBootstrapTest {

  private static final AtomicInteger RANKS = new AtomicInteger(100);

  @Test
  void shouldRefuseItsOwnWorkerAddress() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions())) {
      Attempt a = attack(sp, address -> address);
      assertNotNull(a.error, "the server must refuse: " + a);
      assertTrue(a.error.errorText().contains("own worker address"), a.toString());
      assertNoBootstrapDone(sp, a);
      sp.assertNormalRankBootstraps();
    }
  }

  @Test
  void shouldRefuseAnAddressThatLeadsBackToItselfThroughTheProbe() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions())) {
      // the same worker with another uuid (bytes 1..8): passes a byte compare, but UCX reaches this server
      Attempt a = attack(sp, address -> {
        byte[] b = address.clone();
        b[1] ^= 0x5A;
        return b;
      });
      assertNotNull(a.error, "the server must refuse: " + a);
      assertNoBootstrapDone(sp, a);
      sp.assertNormalRankBootstraps();
    }
  }

  private static void assertNoBootstrapDone(ServerFixture sp, Attempt a) {
    sp.await("the attacker's peer dropped", c -> c.peerId() == a.clientId && c.to() == BootstrapPhase.DISCONNECTED,
        10_000);
    List<PhaseChange> done = sp.changes.stream().filter(c -> c.peerId() == a.clientId
        && c.to() == BootstrapPhase.BOOTSTRAP_DONE).toList();
    assertEquals(List.of(), done, "the server bootstrapped with itself: " + a);
    assertFalse(a.sawReady && a.error == null, a.toString());
  }

  /** What the raw peer saw. */
  record Attempt(int clientId, boolean sawReady, RawOob.Frame error, List<RawOob.Frame> frames) {
  }

  private static Attempt attack(ServerFixture sp, java.util.function.UnaryOperator<byte[]> address) throws Exception {
    for (int tries = 0; tries < 20; tries++) {
      int next;
      int probeClient;
      try (RawOob probe = RawOob.connect(sp.port())) {
        probe.write(RawOob.hello(RankInfo.of(12, RANKS.incrementAndGet(), 1000)));
        // a channel id is a slot plus a generation (<< 20): once the server dropped this connection,
        // the next channel takes its slot again, one generation on (or, in a race, a fresh slot)
        OobCodec.ServerInfo seen = serverInfo(probe.expect(OobCodec.SERVER_INFO, 10_000));
        probeClient = seen.clientId();
        next = tries % 2 == 0 ? seen.serverChannel() + (1 << 20) : seen.serverChannel() + 1;
      }
      sp.await("the probing connection dropped", c -> c.peerId() == probeClient
          && c.to() == BootstrapPhase.DISCONNECTED, 10_000);
      try (RawOob oob = RawOob.connect(sp.port())) {
        oob.write(OobCodec.hello(Scope.HOST_SERVICE.ordinal(), next, RankInfo.of(12, RANKS.incrementAndGet(), 1000))
            .getBytes());
        OobCodec.ServerInfo info = serverInfo(oob.expect(OobCodec.SERVER_INFO, 10_000));
        if (info.serverChannel() != next) {
          continue; // someone else connected in between: try again
        }
        oob.write(OobCodec.clientAddress(address.apply(info.workerAddress())).getBytes());
        List<RawOob.Frame> frames = new ArrayList<>();
        boolean sawReady = false;
        RawOob.Frame error = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && error == null) {
          RawOob.Frame f;
          try {
            f = oob.read(500);
          } catch (java.net.SocketTimeoutException e) {
            continue;
          } catch (java.io.IOException e) {
            break; // reset
          }
          if (f == null) {
            break;
          }
          frames.add(f);
          if (f.kind() == OobCodec.READY && !sawReady) {
            sawReady = true;
            oob.write(RawOob.frame(OobCodec.READY, f.body())); // echo whatever the server's own probe said
          } else if (f.kind() == OobCodec.ERROR) {
            error = f;
          }
        }
        return new Attempt(info.clientId(), sawReady, error, frames);
      }
    }
    throw new AssertionError("could not predict the server's next channel id in 20 tries");
  }

  private static OobCodec.ServerInfo serverInfo(RawOob.Frame f) {
    return OobCodec.decodeServerInfo(Buffer.buffer(f.body()), 1 << 20);
  }
}
