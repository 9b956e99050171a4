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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A fast-path handler that sends a received large payload back as it is (the library then sends
 * from the received memory, held until the send completes): many such echoes in flight at once,
 * of several sizes, each must come back intact, never overwritten by a later arrival.
 */
@ExtendWith(VertxExtension.class)
class LargePayloadEchoTest {

  static final int TYPE = EventTypes.FIRST_USER_TYPE + 91;

  @Test
  void echoesOfLargePayloadsInFlightTogetherComeBackIntact(Vertx vertx) throws Exception {
    OffloadEngine sp = OffloadEngine.create(vertx, new EngineOptions().setName("large-sp")).await(30, TimeUnit.SECONDS);
    OffloadEngine rank = OffloadEngine.create(vertx, new EngineOptions().setName("large-rank")).await(30, TimeUnit.SECONDS);
    try {
      EnginePair.echo(sp, TYPE);
      ExecutionContext client = EnginePair.connect(sp, rank);

      int[] sizes = {64 * 1024, 256 * 1024 + 3, 1 << 20, 4 << 20};
      int rounds = 6;
      Map<Integer, Buffer> sent = new ConcurrentHashMap<>();
      List<String> errors = new ArrayList<>();
      Promise<Void> all = Promise.promise();
      int total = sizes.length * rounds;
      int[] back = {0};
      client.consumer(TYPE, n -> {
        int id = n.payload().getInt(0);
        Buffer expected = sent.get(id);
        if (expected == null || !expected.equals(n.payload())) {
          synchronized (errors) {
            errors.add("echo " + id + " (" + n.payload().length() + " B) differs from what was sent");
          }
        }
        if (++back[0] == total) {
          all.tryComplete();
        }
      }).completion().await(10, TimeUnit.SECONDS);
      int id = 0;
      for (int r = 0; r < rounds; r++) {
        for (int size : sizes) {
          Buffer b = Buffer.buffer(new byte[size]);
          for (int i = 4; i < size; i++) {
            b.setByte(i, (byte) (i * 31 + id * 7));
          }
          b.setInt(0, id);
          sent.put(id, b);
          client.notify(0, TYPE, b); // all in flight together: receive buffers are reused meanwhile
          id++;
        }
      }
      all.future().await(60, TimeUnit.SECONDS);
      assertEquals(List.of(), errors);
    } finally {
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
    }
  }
}
