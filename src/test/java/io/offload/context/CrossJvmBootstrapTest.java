package io.offload.context;

import io.offload.topology.RankInfo;

import io.offload.engine.OffloadEngine;
import io.offload.notify.Notification;
import io.offload.testkit.Jvm;
import io.offload.verticles.Echo;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A service process in another JVM; a rank here. */
class CrossJvmBootstrapTest {

  @Test
  void rankAndServiceProcessInSeparateJvmsBootstrapAndExchangeBothWays() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Jvm sp = Jvm.offload("sp", "service", "--port", "0", "--id", "5")) {
      int port = sp.awaitListeningPort();
      OffloadEngine rank = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext client = rank.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, 0, 1)))
          .await(30, TimeUnit.SECONDS);
      assertEquals(BootstrapPhase.BOOTSTRAP_DONE, client.phase());
      assertEquals(5, client.peer(0).orElseThrow().serviceProcessId());

      // rank -> service process over UCX, and the echo service process -> rank over UCX
      Promise<Buffer> echoed = Promise.promise();
      client.consumer(Echo.TYPE, m -> echoed.tryComplete(m.payload()))
          .completion().await(10, TimeUnit.SECONDS);
      client.notify(0, Echo.TYPE, Buffer.buffer("hello over UCX")).await(10, TimeUnit.SECONDS);
      assertEquals("hello over UCX", echoed.future().await(10, TimeUnit.SECONDS).toString());

      rank.close().await(30, TimeUnit.SECONDS);
      sp.terminate();
      assertEquals(0, sp.awaitExit(30, TimeUnit.SECONDS), sp.output());
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
