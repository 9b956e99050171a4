package io.offload.notify;

import io.offload.context.ExecutionContext;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.EnginePair;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream of large notifications is received into reused buffers: 2,000 one-way 64 KiB
 * notifications (rendezvous), up to 32 in flight (the default flow control), and the receiving
 * engine makes no more receive buffers than arrive at once. With 4 kept per size class it made
 * one for about every other arrival (4,096 in one benchmark run).
 */
@ExtendWith(VertxExtension.class)
class ReceiveBufferReuseTest {

  static final int TYPE = EventTypes.FIRST_USER_TYPE + 79;
  static final int N = 2_000;
  static final int SIZE = 64 * 1024;

  @Test
  void aStreamOfLargeNotificationsReusesItsReceiveBuffers(Vertx vertx) throws Exception {
    OffloadEngine sp = OffloadEngine.create(vertx, new EngineOptions().setName("reuse-sp")).await(30, TimeUnit.SECONDS);
    OffloadEngine rank = OffloadEngine.create(vertx, new EngineOptions().setName("reuse-rank")).await(30, TimeUnit.SECONDS);
    try {
      int[] received = {0};
      long[] sum = {0};
      Promise<Void> all = Promise.promise();
      Promise<Void> ready = Promise.promise();
      sp.ucxContext().runOnContext(v -> sp.consumer(TYPE, n -> {
        sum[0] += n.payload().getInt(0) + n.payload().getInt(SIZE - 4);
        if (++received[0] == N) {
          all.tryComplete();
        }
      }).completion().onComplete(ready));
      ready.future().await(10, TimeUnit.SECONDS);
      ExecutionContext client = EnginePair.connect(sp, rank);

      rank.ucxContext().runOnContext(v -> {
        Buffer payload = Buffer.buffer(new byte[SIZE]);
        for (int i = 0; i < N; i++) {
          payload.setInt(0, i).setInt(SIZE - 4, 1);
          client.notify(0, TYPE, payload); // copied at once: the buffer may change for the next
        }
      });
      all.future().await(120, TimeUnit.SECONDS);

      assertEquals((long) N * (N - 1) / 2 + N, sum[0], "every payload arrived whole");
      long made = sp.notificationStats().receiveBuffersMade();
      String report = "receive buffers made for " + N + " arrivals of " + SIZE + " B: " + made;
      System.out.println(report);
      assertTrue(made > 0, "the payloads went by rendezvous: " + report);
      assertTrue(made <= 2L * EngineOptions.DEFAULT_MAX_IN_FLIGHT, report);
    } finally {
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
    }
  }
}
