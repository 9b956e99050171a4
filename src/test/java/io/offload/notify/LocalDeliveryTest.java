package io.offload.notify;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.Role;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.junit5.VertxExtension;
import io.offload.testkit.EngineMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Self-notifications, and notifications that arrive before anyone consumes them. */
@ExtendWith(VertxExtension.class)
class LocalDeliveryTest {

  static final int TYPE = 4000;

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void selfNotificationsReachLocalConsumersWithoutTheNetwork(EngineMode mode, Vertx vertx) throws Exception {
    EngineMode.Engines engines = mode.engines();
    RankInfo me = new RankInfo(2, 5, 8, 1, 4, 1);
    OffloadEngine e = engines.create(vertx, new EngineOptions().setRankInfo(me)).await(30, TimeUnit.SECONDS);
    try {
      ExecutionContext self = e.self();
      assertEquals(Role.SELF, self.role());
      List<Notification> got = new CopyOnWriteArrayList<>();
      self.consumer(TYPE, m -> got.add(m))
          .completion().await(10, TimeUnit.SECONDS);
      Buffer payload = Buffer.buffer("to myself");
      self.notify(0, TYPE, payload).await(10, TimeUnit.SECONDS);
      payload.setByte(0, (byte) 'X'); // library-managed: the caller may reuse its buffer at once
      Await.until("self notification", () -> got.size() == 1, 10, TimeUnit.SECONDS);
      Notification n = got.get(0);
      assertEquals("to myself", n.payload().toString());
      assertEquals(me, n.source());
      assertEquals("self", n.contextId());
      NotifyStats s = e.notificationStats();
      assertEquals(0, s.sent(), "nothing went through UCX");
      assertEquals(0, s.received(), "nothing came through UCX");
      assertEquals(1, s.selfDelivered());
      assertThrows(IllegalArgumentException.class, () -> self.notify(0, 5, Buffer.buffer()), "reserved type");
      assertThrows(IllegalArgumentException.class, () -> self.notify(1, TYPE, Buffer.buffer()), "self has one peer");
    } finally {
      e.close().await(30, TimeUnit.SECONDS);
      engines.close();
    }
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void notificationSentBeforeItsConsumerIsDeliveredAfterItRegistersAndTheBoundIsCounted(EngineMode mode, Vertx vertx) throws Exception {
    EngineMode.Engines engines = mode.engines();
    OffloadEngine sp = engines.create(vertx, new EngineOptions().setName("early-sp").setMaxPending(2))
        .await(30, TimeUnit.SECONDS);
    OffloadEngine rank = engines.create(vertx, new EngineOptions().setName("early-rank")).await(30, TimeUnit.SECONDS);
    try {
      ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
      ExecutionContext client = rank.connect(new ClientOptions().setPort(server.localPort())
          .setRankInfo(RankInfo.of(0, 0, 1))).await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 3; i++) {
        client.notify(0, TYPE, Buffer.buffer("early-" + i)).await(10, TimeUnit.SECONDS);
      }
      Await.until("3 arrivals", () -> sp.notificationStats().received() == 4, 10, TimeUnit.SECONDS); // + probe
      Await.until("third dropped past maxPending=2", () -> sp.notificationStats().pendingDropped() == 1,
          10, TimeUnit.SECONDS);

      List<String> got = new CopyOnWriteArrayList<>();
      Promise<Void> two = Promise.promise();
      NotificationConsumer c = sp.consumer(TYPE, m -> {
        got.add(m.payload().toString());
        if (got.size() == 2) {
          two.tryComplete();
        }
      });
      two.future().await(10, TimeUnit.SECONDS);
      assertEquals(List.of("early-0", "early-1"), got, "kept in order, delivered once a consumer registered");
      c.unregister();
    } finally {
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
      engines.close();
    }
  }
}
