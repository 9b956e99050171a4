package io.offload.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.offload.testkit.EngineMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** At most maxInFlight sends per peer are with UCX; the rest wait, in order. */
@ExtendWith(VertxExtension.class)
class FlowControlTest {

  static final int TYPE = 4100;
  static final int COUNT = 32;

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void sendsBeyondMaxInFlightAreQueuedAndKeepTheirOrder(EngineMode mode, Vertx vertx) throws Exception {
    EngineMode.Engines engines = mode.engines();
    OffloadEngine sp = engines.create(vertx, new EngineOptions().setName("fc-sp")).await(30, TimeUnit.SECONDS);
    OffloadEngine rank = engines.create(vertx, new EngineOptions().setName("fc-rank").setMaxInFlight(2))
        .await(30, TimeUnit.SECONDS);
    try {
      ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
      List<Integer> order = new CopyOnWriteArrayList<>();
      Promise<Void> all = Promise.promise();
      server.consumer(TYPE, m -> {
        order.add(m.payload().getInt(0));
        if (order.size() == COUNT) {
          all.complete();
        }
      }).completion().await(10, TimeUnit.SECONDS);
      ExecutionContext client = rank.connect(new ClientOptions().setPort(server.localPort())
          .setRankInfo(RankInfo.of(0, 0, 1))).await(10, TimeUnit.SECONDS);

      // 1 MiB payloads go by rendezvous: a send stays in flight until the receiver pulled it.
      // Sent from the UCX thread in one task, so the gauges are read before any completion.
      List<Future<Void>> sends = new CopyOnWriteArrayList<>();
      MeterRegistry registry = rank.meterRegistry();
      Promise<double[]> sample = Promise.promise();
      rank.ucxContext().runOnContext(v -> {
        for (int i = 0; i < COUNT; i++) {
          Buffer b = Buffer.buffer(new byte[1 << 20]);
          b.setInt(0, i);
          sends.add(client.notify(0, TYPE, b));
        }
        sample.complete(new double[] {
            registry.get("offload.notifications.in.flight").tag("engine", "fc-rank").gauge().value(),
            registry.get("offload.notifications.queued").tag("engine", "fc-rank").gauge().value()});
      });
      double[] s = sample.future().await(10, TimeUnit.SECONDS);
      assertTrue(s[0] <= 2, "in flight " + s[0] + " > maxInFlight 2");
      assertEquals(COUNT - s[0], s[1], "the rest wait in the queue");

      Future.all(sends).await(60, TimeUnit.SECONDS);
      all.future().await(60, TimeUnit.SECONDS);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        expected.add(i);
      }
      assertEquals(expected, order);
    } finally {
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
      engines.close();
    }
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void sendsBeyondMaxQueuedFailAtOnce(EngineMode mode, Vertx vertx) throws Exception {
    EngineMode.Engines engines = mode.engines();
    OffloadEngine sp = engines.create(vertx, new EngineOptions().setName("mq-sp")).await(30, TimeUnit.SECONDS);
    OffloadEngine rank = engines.create(vertx, new EngineOptions().setName("mq-rank").setMaxInFlight(1)
        .setMaxQueued(4)).await(30, TimeUnit.SECONDS);
    try {
      ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
      server.consumer(TYPE, m -> { }).completion().await(10, TimeUnit.SECONDS);
      ExecutionContext client = rank.connect(new ClientOptions().setPort(server.localPort())
          .setRankInfo(RankInfo.of(0, 0, 1))).await(10, TimeUnit.SECONDS);
      Promise<List<Future<Void>>> sent = Promise.promise();
      rank.ucxContext().runOnContext(v -> { // one task: nothing completes in between
        List<Future<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          sends.add(client.notify(0, TYPE, Buffer.buffer(new byte[1 << 20])));
        }
        sent.complete(sends);
      });
      List<Future<Void>> sends = sent.future().await(10, TimeUnit.SECONDS);
      Future.join(sends).otherwiseEmpty().await(30, TimeUnit.SECONDS);
      long failed = sends.stream().filter(Future::failed).count();
      assertEquals(3, failed, "1 in flight + 4 queued; the other 3 refused");
      assertTrue(sends.get(7).cause().getMessage().contains("maxQueued"), sends.get(7).cause().getMessage());
      assertTrue(sends.subList(0, 5).stream().allMatch(Future::succeeded));
    } finally {
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
      engines.close();
    }
  }
}
