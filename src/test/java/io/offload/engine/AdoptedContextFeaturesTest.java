package io.offload.engine;

import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application's context made without the WAKEUP feature: a progress thread cannot sleep on it
 * (creation fails, saying so), a caller-driven engine that never sleeps works on it.
 */
class AdoptedContextFeaturesTest {

  private Vertx vertx;
  private UcpContext noWakeup;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    noWakeup = new UcpContext(new UcpParams().requestAmFeature().requestRmaFeature().requestTagFeature());
  }

  @AfterEach
  void tearDown() throws Exception {
    noWakeup.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void shouldRefuseAProgressThreadOnAContextWithoutWakeup() {
    Future<OffloadEngine> f = OffloadEngine.create(vertx, new EngineOptions().setUcpContext(noWakeup));
    Throwable cause = assertThrowsWithin(f);
    assertTrue(cause instanceof IllegalStateException && cause.getMessage().contains("WAKEUP"), cause.toString());
  }

  private static Throwable assertThrowsWithin(Future<?> f) {
    try {
      f.await(30, TimeUnit.SECONDS);
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("creation succeeded");
  }

  @Test
  void shouldRunCallerDrivenWithoutWakeupWhenTheLoopNeverSleeps() throws Exception {
    OffloadEngine sp = OffloadEngine.create(vertx, new EngineOptions().setName("nw-sp")).await(30, TimeUnit.SECONDS);
    ExecutionContext server = sp.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
    sp.consumer(3100, n -> server.notify(n.peerId(), 3100, n.payload()));
    try {
      CallerDrivenEngineTest.onAppThread(() -> {
        UcpWorker worker = noWakeup.newWorker(new UcpWorkerParams());
        OffloadEngine rank = OffloadEngine.create(vertx, new EngineOptions().setName("nw-rank").setUcpContext(noWakeup)
            .setUcpWorker(worker)).result();
        ExecutionContext client = CallerDrivenEngineTest.progressUntil(rank, rank.connect(new ClientOptions()
            .setPort(server.localPort()).setRankInfo(RankInfo.of(0, 0, 1))));
        assertEquals(BootstrapPhase.BOOTSTRAP_DONE, client.phase());
        Promise<String> echo = Promise.promise();
        client.consumer(3100, n -> echo.tryComplete(n.payload().toString()));
        client.notify(0, 3100, Buffer.buffer("no wakeup needed"));
        assertEquals("no wakeup needed", CallerDrivenEngineTest.progressUntil(rank, echo.future()));
        CallerDrivenEngineTest.progressUntil(rank, rank.close());
        worker.close();
      });
    } finally {
      sp.close().await(30, TimeUnit.SECONDS);
    }
  }
}
