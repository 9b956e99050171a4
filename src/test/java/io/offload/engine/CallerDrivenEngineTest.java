package io.offload.engine;

import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.ucx.UcxFeatures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An engine on the application's worker, progressed by this test's own thread: the thread
 * rules (who may progress, where consumers run), and that the application's worker and context
 * outlive the engine. Each test body runs on a fresh "application" thread (a thread that drives an
 * engine is the Vert.x context's thread until the engine terminates: it must not block on an engine
 * future, whose completion needs its progress() calls).
 */
class CallerDrivenEngineTest {

  private Vertx vertx;
  private UcpContext context;
  private UcpWorker worker;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = new UcpContext(UcxFeatures.requiredParams());
    worker = context.newWorker(new UcpWorkerParams());
  }

  @AfterEach
  void tearDown() throws Exception {
    worker.close();
    context.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private OffloadEngine createDriven(String name) {
    Future<OffloadEngine> f = OffloadEngine.create(vertx, new EngineOptions().setName(name).setUcpContext(context)
        .setUcpWorker(worker));
    assertTrue(f.succeeded(), () -> "a caller-driven engine is built before create returns: " + f.cause());
    return f.result();
  }

  interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} on a new application thread and rethrows what it threw. */
  static void onAppThread(Body body) throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        body.run();
        failure.complete(null);
      } catch (Throwable e) {
        failure.complete(e);
      }
    }, "app");
    t.start();
    Throwable e = failure.get(60, TimeUnit.SECONDS);
    if (e instanceof Exception ex) {
      throw ex;
    } else if (e != null) {
      throw (Error) e;
    }
  }

  /** This thread's loop: progress until {@code f} completes (bounded). */
  static <T> T progressUntil(OffloadEngine engine, Future<T> f) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!f.isComplete()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not complete after 30 s of progress() calls");
      }
      if (engine.progress() == 0) {
        Thread.onSpinWait();
      }
    }
    if (f.failed()) {
      throw new AssertionError(f.cause());
    }
    return f.result();
  }

  @Test
  void shouldNotifyAServerAndGetTheEchoOnlyThroughProgressCallsOfThisThread() throws Exception {
    OffloadEngine sp = OffloadEngine.create(vertx, new EngineOptions().setName("cd-sp")).await(30, TimeUnit.SECONDS);
    ExecutionContext server = sp.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
    sp.consumer(3000, n -> server.notify(n.peerId(), 3000, Buffer.buffer("echo:").appendBuffer(n.payload())));
    try {
      onAppThread(() -> {
        OffloadEngine rank = createDriven("cd-rank");
        Thread me = Thread.currentThread();
        ExecutionContext client = progressUntil(rank, rank.connect(new ClientOptions().setPort(server.localPort())
            .setRankInfo(RankInfo.of(0, 0, 1))));
        assertEquals(BootstrapPhase.BOOTSTRAP_DONE, client.phase());
        AtomicReference<Thread> consumerThread = new AtomicReference<>();
        Promise<String> echo = Promise.promise();
        client.consumer(3000, n -> {
          consumerThread.set(Thread.currentThread());
          echo.tryComplete(n.payload().toString());
        });
        client.notify(0, 3000, Buffer.buffer("hi"));
        assertEquals("echo:hi", progressUntil(rank, echo.future()));
        assertSame(me, consumerThread.get(), "a consumer registered on the application's thread runs on it, in progress()");
        Future<Void> closed = rank.close();
        assertEquals(EngineState.FINALIZING, rank.state());
        progressUntil(rank, closed);
        assertEquals(EngineState.TERMINATED, rank.state());
        worker.progress(); // the application's worker is still open and usable
        UcpWorker another = context.newWorker(new UcpWorkerParams()); // and so is its context
        another.close();
      });
    } finally {
      sp.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Calls {@code progress()} until one call returns 0, and fails if none does within 10 s: an idle
   * engine reports no work (a late completion or a wake-up may still count in the first calls).
   */
  static void progressUntilIdle(OffloadEngine engine) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int calls = 1;
    while (engine.progress() != 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("progress() still reports work after 10 s and " + calls + " calls");
      }
      calls++;
    }
  }

  @Test
  void shouldReturnWorkFromTheProgressCallThatDeliversANotificationAndZeroOnceIdle() throws Exception {
    OffloadEngine sp = OffloadEngine.create(vertx, new EngineOptions().setName("cd-work-sp")).await(30, TimeUnit.SECONDS);
    ExecutionContext server = sp.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
    sp.consumer(3002, n -> server.notify(n.peerId(), 3002, n.payload()));
    try {
      onAppThread(() -> {
        OffloadEngine rank = createDriven("cd-work");
        ExecutionContext client = progressUntil(rank, rank.connect(new ClientOptions().setPort(server.localPort())
            .setRankInfo(RankInfo.of(0, 0, 1))));
        progressUntilIdle(rank); // bootstrapped, nothing in flight: a call finds nothing to do
        boolean[] delivered = new boolean[1];
        client.consumer(3002, n -> delivered[0] = true); // runs on this thread, inside the progress() call
        client.notify(0, 3002, Buffer.buffer("work"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int work = 0;
        while (!delivered[0]) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the echo was not delivered after 30 s of progress() calls");
          }
          work = rank.progress();
        }
        assertTrue(work > 0, "the progress() call that delivered the echo returned " + work);
        progressUntilIdle(rank); // and once that is done, 0 again
        progressUntil(rank, rank.close());
      });
    } finally {
      sp.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldSeeItsServerGoAndFailSendsToIt() throws Exception {
    OffloadEngine sp = OffloadEngine.create(vertx, new EngineOptions().setName("cd-lost-sp")).await(30, TimeUnit.SECONDS);
    ExecutionContext server = sp.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
    try {
      onAppThread(() -> {
        OffloadEngine rank = createDriven("cd-lost-rank");
        ExecutionContext client = progressUntil(rank, rank.connect(new ClientOptions().setPort(server.localPort())
            .setRankInfo(RankInfo.of(0, 0, 1))));
        progressUntil(rank, sp.close());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.phase() != BootstrapPhase.DISCONNECTED && System.nanoTime() < deadline) {
          rank.progress();
        }
        assertEquals(BootstrapPhase.DISCONNECTED, client.phase());
        Future<Void> send = client.notify(0, 3001, Buffer.buffer("anyone?"));
        while (!send.isComplete() && System.nanoTime() < deadline) {
          rank.progress();
        }
        assertTrue(send.failed(), "a send to a lost server fails");
        assertTrue(send.cause() instanceof io.offload.notify.NotificationException, send.cause().toString());
        progressUntil(rank, rank.close());
      });
    } finally {
      sp.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldRefuseProgressFromAnotherThreadAndOnAnEngineWithItsOwnThread() throws Exception {
    OffloadEngine threaded = OffloadEngine.create(vertx, new EngineOptions().setName("cd-own")).await(30, TimeUnit.SECONDS);
    try {
      assertThrows(IllegalStateException.class, threaded::progress);
    } finally {
      threaded.close().await(30, TimeUnit.SECONDS);
    }
    onAppThread(() -> {
      OffloadEngine driven = createDriven("cd-threads");
      CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
      Thread other = new Thread(() -> {
        try {
          driven.progress();
          fromOther.complete(null);
        } catch (Throwable t) {
          fromOther.complete(t);
        }
      });
      other.start();
      assertTrue(fromOther.get(10, TimeUnit.SECONDS) instanceof IllegalStateException);
      progressUntil(driven, driven.close());
    });
  }

  @Test
  void shouldRefuseASecondCallerDrivenEngineOnOneThreadAndAWorkerWithoutItsContext() throws Exception {
    onAppThread(() -> {
      OffloadEngine first = createDriven("cd-one");
      UcpWorker second = context.newWorker(new UcpWorkerParams());
      try {
        Future<OffloadEngine> f = OffloadEngine.create(vertx, new EngineOptions().setUcpContext(context).setUcpWorker(second));
        assertTrue(f.failed());
        assertTrue(f.cause() instanceof IllegalStateException, f.cause().toString());
        Future<OffloadEngine> g = OffloadEngine.create(vertx, new EngineOptions().setUcpWorker(second));
        assertTrue(g.failed());
        assertTrue(g.cause() instanceof IllegalArgumentException, g.cause().toString());
      } finally {
        progressUntil(first, first.close());
        second.close();
      }
    });
  }

  @Test
  void shouldRefuseCreationOnAVertxThread() throws Exception {
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    vertx.runOnContext(v -> OffloadEngine.create(vertx, new EngineOptions().setUcpContext(context).setUcpWorker(worker))
        .onComplete(ar -> cause.complete(ar.cause())));
    assertTrue(cause.get(10, TimeUnit.SECONDS) instanceof IllegalStateException);
  }

  @Test
  void shouldRunOtherThreadsTasksAtTheNextProgressAndRefuseReentry() throws Exception {
    onAppThread(() -> {
      OffloadEngine engine = createDriven("cd-tasks");
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      AtomicReference<Throwable> reentry = new AtomicReference<>();
      Thread other = new Thread(() -> engine.ucxContext().runOnContext(v -> {
        ranOn.set(Thread.currentThread());
        try {
          engine.progress();
        } catch (Throwable t) {
          reentry.set(t);
        }
      }));
      other.start();
      other.join();
      assertNull(ranOn.get(), "nothing runs before this thread calls progress()");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ranOn.get() == null && System.nanoTime() < deadline) {
        engine.progress();
      }
      assertSame(Thread.currentThread(), ranOn.get());
      assertTrue(reentry.get() instanceof IllegalStateException, "progress() from a handler is refused: " + reentry.get());
      progressUntil(engine, engine.close());
    });
  }

  @Test
  void shouldWakeAnApplicationAsleepInWaitForEventsWithNothingElseToWakeIt() throws Exception {
    onAppThread(() -> {
      OffloadEngine engine = createDriven("cd-wake");
      AtomicBoolean rescued = new AtomicBoolean();
      // if the engine never wakes this thread, the test's own signal does, so a failure fails instead of hanging
      long rescue = vertx.setTimer(20_000, id -> {
        rescued.set(true);
        worker.signal();
      });
      try {
        for (int sleep = 0; sleep < 3 && !rescued.get(); sleep++) {
          while (engine.progress() > 0) {
            Thread.onSpinWait();
          }
          worker.waitForEvents(); // no peer, no task: only the engine's periodic signal() ends this
        }
      } finally {
        vertx.cancelTimer(rescue);
      }
      assertFalse(rescued.get(), "an idle caller-driven engine left its application asleep in waitForEvents()");
      progressUntil(engine, engine.close());
    });
  }
}
