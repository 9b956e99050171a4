package io.offload.fault;

import io.offload.bootstrap.BootstrapException;
import io.offload.bootstrap.impl.OobCodec;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.notify.Notification;
import io.offload.testkit.Await;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every limit has a safe default, can be set, is validated when set, and is enforced as set. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {

  @Test
  void shouldHaveSafeDefaultsAndRejectNonsense() {
    assertEquals("127.0.0.1", new ServerOptions().getHost(), "bind loopback unless told otherwise");
    assertEquals(64 * 1024, new EngineOptions().getMaxFrameLength());
    assertEquals(32 * 1024, new EngineOptions().getMaxAddressLength());
    assertEquals(4096, new ServerOptions().getMaxPeers());
    assertEquals(Duration.ofSeconds(10), new ServerOptions().getHandshakeTimeout());
    assertEquals(10_000, new EngineOptions().getMaxPending());
    assertThrows(IllegalArgumentException.class, () -> new EngineOptions().setMaxFrameLength(63));
    assertThrows(IllegalArgumentException.class, () -> new EngineOptions().setMaxAddressLength(15));
    assertThrows(IllegalArgumentException.class, () -> new EngineOptions().setMaxPending(-1));
    assertThrows(IllegalArgumentException.class, () -> new EngineOptions().setHeartbeatTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new ServerOptions().setMaxPeers(0));
    assertThrows(IllegalArgumentException.class, () -> new ServerOptions().setHandshakeTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new ServerOptions().setSecret(""));
    assertThrows(IllegalArgumentException.class, () -> new ClientOptions().setHandshakeTimeout(Duration.ofMillis(-1)));
  }

  @Test
  void shouldEnforceAConfiguredFrameLimit() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions(), new EngineOptions().setMaxFrameLength(128))) {
      try (RawOob oob = RawOob.connect(sp.port())) {
        oob.write(RawOob.frame(OobCodec.HEARTBEAT, new byte[128])); // 129 with its kind byte
        RawOob.Outcome outcome = oob.drain(5000);
        assertTrue(outcome.error().errorText().contains("frame length 129 outside [1, 128]"), "" + outcome);
      }
      // A UCX worker address here is about 80-220 bytes: CLIENT_ADDRESS no longer fits.
      Throwable e = Wait.failure(sp.clientEngine().connect(sp.clientOptions(RankInfo.of(0, 0, 1))), 20);
      assertInstanceOf(BootstrapException.class, e);
      assertTrue(e.getMessage().contains("outside [1, 128]"), e.getMessage());
    }
  }

  @Test
  void shouldEnforceAConfiguredAddressLimit() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions(), new EngineOptions().setMaxAddressLength(40))) {
      Throwable e = Wait.failure(sp.clientEngine().connect(sp.clientOptions(RankInfo.of(0, 0, 1))), 20);
      assertInstanceOf(BootstrapException.class, e);
      assertTrue(e.getMessage().contains("the peer refused: CLIENT_ADDRESS: worker address of")
          && e.getMessage().contains("outside [1, 40]"), e.getMessage());
    }
  }

  @Test
  void shouldKeepAtMostMaxPendingNotificationsWithoutAConsumer() throws Exception {
    int type = 4444;
    try (ServerFixture sp = ServerFixture.start(new ServerOptions(), new EngineOptions().setMaxPending(10))) {
      ExecutionContext c = sp.connect(RankInfo.of(0, 0, 1));
      for (int i = 0; i < 50; i++) {
        Wait.get(c.notify(0, type, Buffer.buffer().appendInt(i)), 10);
      }
      // Counted as received before it is handed on: wait until all 50 are either kept or dropped.
      Await.until("50 kept or dropped", () -> sp.engine.notificationStats().pending()
          + sp.engine.notificationStats().pendingDropped() == 50, 10, TimeUnit.SECONDS);
      assertEquals(10, sp.engine.notificationStats().pending(), "kept while no consumer");
      assertEquals(40, sp.engine.notificationStats().pendingDropped(), "dropped and counted beyond maxPending");
      List<Integer> delivered = new CopyOnWriteArrayList<>();
      sp.engine.consumer(type, m -> delivered.add(m.payload().getInt(0)));
      Await.until("the kept ones delivered once a consumer comes", () -> delivered.size() == 10, 10, TimeUnit.SECONDS);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), delivered, "the first ten, in order");
      Wait.get(c.close(), 20);
    }
  }

  @Test
  void shouldBoundThePayloadBytesKeptWithoutAConsumerNotOnlyTheirCount() throws Exception {
    int type = 4445;
    // 20 notifications of 64 KiB = 1.25 MiB would all fit under maxPending (10,000); 256 KiB of bytes takes 4
    try (ServerFixture sp = ServerFixture.start(new ServerOptions(), new EngineOptions().setMaxPendingBytes(256 * 1024))) {
      ExecutionContext c = sp.connect(RankInfo.of(0, 0, 1));
      for (int i = 0; i < 20; i++) {
        Wait.get(c.notify(0, type, Buffer.buffer(new byte[64 * 1024]).setInt(0, i)), 10);
      }
      Await.until("20 kept or dropped", () -> sp.engine.notificationStats().pending()
          + sp.engine.notificationStats().pendingDropped() == 20, 10, TimeUnit.SECONDS);
      assertEquals(4, sp.engine.notificationStats().pending(), "kept: as many as 256 KiB holds");
      assertEquals(16, sp.engine.notificationStats().pendingDropped(), "dropped and counted beyond the byte bound");
      List<Integer> delivered = new CopyOnWriteArrayList<>();
      sp.engine.consumer(type, m -> delivered.add(m.payload().getInt(0)));
      Await.until("the kept ones delivered", () -> delivered.size() == 4, 10, TimeUnit.SECONDS);
      assertEquals(List.of(0, 1, 2, 3), delivered, "the first four, in order");
      Wait.get(c.close(), 20);
    }
  }
}
