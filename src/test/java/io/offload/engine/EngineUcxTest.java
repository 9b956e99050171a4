package io.offload.engine;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.testkit.Await;
import io.offload.testkit.EngineMode;
import io.offload.ucx.UcxFeatures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's UCX for the application, in both modes: the worker and context accessors (only on
 * the UCX thread), a tag ping-pong to self through the self context's peer 0, two engines sharing
 * one UCX context, and the engine's state from running to terminated.
 */
class EngineUcxTest {

  private Vertx vertx;
  private EngineMode.Engines engines;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (engines != null) {
      engines.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs {@code task} on the engine's UCX thread and waits for its result. */
  static <T> T onUcxThread(OffloadEngine engine, java.util.function.Function<CompletableFuture<T>, Void> task)
      throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    engine.ucxContext().runOnContext(v -> {
      try {
        task.apply(result);
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result.get(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldGiveTheWorkerAndContextOnlyOnTheUcxThread(EngineMode mode) throws Exception {
    engines = mode.engines();
    OffloadEngine engine = engines.create(vertx, new EngineOptions().setName("acc-" + mode.ordinal()))
        .await(30, TimeUnit.SECONDS);
    assertThrows(IllegalStateException.class, engine::ucpWorker);
    assertThrows(IllegalStateException.class, engine::ucpContext);
    Object[] both = onUcxThread(engine, r -> {
      r.complete(new Object[] {engine.ucpWorker(), engine.ucpContext()});
      return null;
    });
    assertNotNull(both[0]);
    assertNotNull(both[1]);
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldPingPongTaggedMessagesToSelfThroughTheSelfContextsPeer0(EngineMode mode) throws Exception {
    engines = mode.engines();
    OffloadEngine engine = engines.create(vertx, new EngineOptions().setName("tag-" + mode.ordinal()))
        .await(30, TimeUnit.SECONDS);
    ByteBuffer ping = ascii("ping");
    ByteBuffer pong = ascii("pong");
    ByteBuffer pingIn = ByteBuffer.allocateDirect(4);
    ByteBuffer pongIn = ByteBuffer.allocateDirect(4);
    String got = onUcxThread(engine, result -> {
      UcpWorker worker = engine.ucpWorker();
      UcpEndpoint self = engine.self().peer(0).orElseThrow().endpoint();
      // the answer to tag 1 is sent with tag 2 from the UCX thread, outside the receive callback
      worker.recvTaggedNonBlocking(pingIn, 1, -1L, done(() -> engine.ucxContext().runOnContext(v ->
          self.sendTaggedNonBlocking(pong, 2, new UcxCallback())), result));
      worker.recvTaggedNonBlocking(pongIn, 2, -1L, done(() -> result.complete(text(pingIn) + "/" + text(pongIn)),
          result));
      self.sendTaggedNonBlocking(ping, 1, new UcxCallback());
      return null;
    });
    assertEquals("ping/pong", got);
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldBootstrapAndNotifyBetweenTwoEnginesSharingOneUcxContext(EngineMode mode) throws Exception {
    UcpContext shared = new UcpContext(UcxFeatures.requiredParams().setMtWorkersShared(true));
    try {
      engines = mode.engines().sharing(shared);
      OffloadEngine a = engines.create(vertx, new EngineOptions().setName("two-a-" + mode.ordinal()))
          .await(30, TimeUnit.SECONDS);
      OffloadEngine b = engines.create(vertx, new EngineOptions().setName("two-b-" + mode.ordinal()))
          .await(30, TimeUnit.SECONDS);
      assertSame(shared, onUcxThread(a, r -> {
        r.complete(a.ucpContext());
        return null;
      }));
      assertSame(shared, onUcxThread(b, r -> {
        r.complete(b.ucpContext());
        return null;
      }));
      ExecutionContext server = b.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
      b.consumer(2100, n -> server.notify(n.peerId(), 2100, Buffer.buffer("b got ").appendBuffer(n.payload())));
      ExecutionContext client = a.connect(new ClientOptions().setPort(server.localPort()).setRankInfo(RankInfo.of(0, 0, 1)))
          .await(30, TimeUnit.SECONDS);
      Promise<String> reply = Promise.promise();
      client.consumer(2100, n -> reply.tryComplete(n.payload().toString()));
      client.notify(0, 2100, Buffer.buffer("hello from a"));
      assertEquals("b got hello from a", reply.future().await(30, TimeUnit.SECONDS));
      engines.close();
      engines = null;
      // neither engine closed the shared context: it still makes workers
      UcpWorker w = shared.newWorker(new UcpWorkerParams());
      w.close();
    } finally {
      if (engines != null) {
        engines.close();
        engines = null;
      }
      shared.close();
    }
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldGoFromRunningThroughFinalizingToTerminated(EngineMode mode) throws Exception {
    engines = mode.engines();
    OffloadEngine engine = engines.create(vertx, new EngineOptions().setName("state-" + mode.ordinal()))
        .await(30, TimeUnit.SECONDS);
    assertEquals(EngineState.RUNNING, engine.state());
    List<EngineState> published = new CopyOnWriteArrayList<>();
    vertx.eventBus().<EngineState>localConsumer(engine.stateAddress(), m -> published.add(m.body())).completion()
        .await(10, TimeUnit.SECONDS);
    Future<Void> terminated = engine.terminated();
    assertTrue(!terminated.isComplete());
    Future<Void> closed = engine.close();
    assertEquals(EngineState.FINALIZING, engine.state());
    assertThrows(IllegalStateException.class, engine::self, "a finalizing engine refuses new use");
    closed.await(30, TimeUnit.SECONDS);
    terminated.await(30, TimeUnit.SECONDS);
    assertEquals(EngineState.TERMINATED, engine.state());
    engine.close().await(30, TimeUnit.SECONDS); // idempotent: completes again, nothing else happens
    assertEquals(EngineState.TERMINATED, engine.state());
    Await.until("both transitions published", () -> published.size() >= 2, 10, TimeUnit.SECONDS);
    assertEquals(List.of(EngineState.FINALIZING, EngineState.TERMINATED), published, "each once, in order");
    assertThrows(IllegalStateException.class, engine::ucpWorker);
  }

  private static ByteBuffer ascii(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocateDirect(b.length).put(b).flip();
  }

  private static String text(ByteBuffer b) {
    byte[] out = new byte[b.capacity()];
    b.duplicate().clear().get(out);
    return new String(out, StandardCharsets.US_ASCII);
  }

  private static UcxCallback done(Runnable then, CompletableFuture<?> failure) {
    return new UcxCallback() {
      @Override
      public void onSuccess(UcpRequest request) {
        then.run();
      }

      @Override
      public void onError(int status, String message) {
        failure.completeExceptionally(new AssertionError("UCX status " + status + ": " + message));
      }
    };
  }
}
