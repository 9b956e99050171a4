package io.offload.notify;

import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.Peer;
import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.testkit.Jvm;
import io.offload.verticles.Echo;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notifications between separate JVMs. */
class CrossJvmNotificationTest {

  @Test
  void pingPongWithAServiceProcessInAnotherJvm() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Jvm sp = Jvm.offload("sp", "service", "--port", "0")) {
      int port = sp.awaitListeningPort();
      OffloadEngine rank = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext client = rank.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, 0, 1)))
          .await(30, TimeUnit.SECONDS);
      int rounds = 2000;
      Promise<Integer> done = Promise.promise();
      // user-managed payload: one direct buffer, reused only after each send completed
      ByteBuffer out = ByteBuffer.allocateDirect(16);
      rank.ucxContext().runOnContext(v -> {
        int[] n = {0};
        client.consumer(Echo.TYPE, m -> {
          long echoed = m.payload().getLong(0);
          if (echoed != n[0]) {
            done.tryFail("round " + n[0] + " echoed " + echoed);
            return;
          }
          if (++n[0] == rounds) {
            done.tryComplete(n[0]);
            return;
          }
          out.clear();
          out.putLong(0, n[0]).putLong(8, ~n[0]);
          client.notifyDirect(0, Echo.TYPE, out).onFailure(done::tryFail);
        }).completion().onSuccess(x -> {
          out.putLong(0, 0).putLong(8, ~0L);
          client.notifyDirect(0, Echo.TYPE, out).onFailure(done::tryFail);
        });
      });
      assertEquals(rounds, done.future().await(60, TimeUnit.SECONDS));
      rank.close().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void peerKilledMidStreamFailsPendingSendsAndTheServerServesOthers() throws Exception {
    Vertx vertx = Vertx.vertx();
    ServiceProcessVerticle spv = new ServiceProcessVerticle();
    vertx.deployVerticle(spv, new DeploymentOptions().setConfig(new JsonObject()
        .put("engine", new JsonObject().put("name", "killsp")))).await(30, TimeUnit.SECONDS);
    ExecutionContext server = spv.server();
    String connect = "127.0.0.1:" + server.localPort();
    try (Jvm victim = Jvm.offload("victim", "rank", "--connect", connect, "--rank", "0", "--size", "2",
        "--notifications", "2000000")) {
      Await.until("victim bootstrapped", () -> server.peers().stream().anyMatch(p -> p.phase() == BootstrapPhase.BOOTSTRAP_DONE),
          30, TimeUnit.SECONDS);
      Peer peer = server.peers().get(0);
      Buffer big = Buffer.buffer(new byte[256 << 10]);
      List<Future<Void>> sends = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        sends.add(server.notify(peer.id(), 5000, big));
      }
      victim.kill();
      Future.join(sends).otherwiseEmpty().await(30, TimeUnit.SECONDS); // all complete, one way or the other
      long failed = sends.stream().filter(Future::failed).count();
      assertTrue(failed > 0, "pending sends to the killed peer must fail");
      assertTrue(sends.stream().filter(Future::failed).allMatch(f -> f.cause() instanceof NotificationException),
          "failures say why");
      Await.until("victim DISCONNECTED", () -> server.phase(peer.id()) == BootstrapPhase.DISCONNECTED, 30, TimeUnit.SECONDS);

      try (Jvm other = Jvm.offload("other", "rank", "--connect", connect, "--rank", "1", "--size", "2",
          "--notifications", "200", "--json")) {
        assertEquals(0, other.awaitExit(60, TimeUnit.SECONDS), other.output());
        String json = other.lines().stream().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        JsonObject summary = new JsonObject(json);
        assertEquals(200, summary.getInteger("notifications"));
        assertTrue(summary.getDouble("rttP50Us") > 0);
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
