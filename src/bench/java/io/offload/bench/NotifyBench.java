package io.offload.bench;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.engine.impl.EngineImpl;
import io.offload.notify.Notification;
import io.offload.verticles.Echo;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * This project's notifications, used as a user would: the service process is the library's
 * {@link ServiceProcessVerticle} (echoes {@link Echo#TYPE} from the UCX progress thread) plus a
 * counting consumer for the one-way stream; the client registers its consumers on
 * {@code engine.ucxContext()} (the fast path) and sends with {@code ctx.notify(...)}, a
 * library-managed payload (copied into a pooled buffer).
 */
final class NotifyBench {

  /** One-way stream: counted by the server. */
  static final int DATA = Echo.TYPE + 1;
  /** Control: client → server "ack when you have counted this many"; server → client the ack. */
  static final int CTRL = Echo.TYPE + 2;
  static final int WINDOW = 64;
  /** Round-trip payloads from this size on are sent user-managed. */
  static final int DIRECT_FROM = 64 * 1024;

  private NotifyBench() {
  }

  /**
   * Engine options: the library's defaults, unless the environment asks for an experiment:
   * {@code BENCH_BUSY} (busy-poll), {@code BENCH_SPIN_MICROS} / {@code BENCH_YIELD_MICROS} (the
   * idle windows). {@code BENCH_HOPS} turns on per-hop timestamps (reported at the end).
   */
  static JsonObject engineJson(String name) {
    JsonObject j = new JsonObject().put("name", name);
    if (System.getenv("BENCH_BUSY") != null) {
      j.put("busyPoll", true);
    }
    if (System.getenv("BENCH_SPIN_MICROS") != null) {
      j.put("progressSpinMicros", Long.parseLong(System.getenv("BENCH_SPIN_MICROS")));
    }
    if (System.getenv("BENCH_YIELD_MICROS") != null) {
      j.put("progressYieldMicros", Long.parseLong(System.getenv("BENCH_YIELD_MICROS")));
    }
    if (System.getenv("BENCH_HOPS") != null) {
      System.setProperty("offload.hops", "true");
    }
    return j;
  }

  static void server() throws Exception {
    Vertx vertx = Vertx.vertx();
    ServiceProcessVerticle sp = new ServiceProcessVerticle();
    JsonObject conf = new JsonObject().put("engine", engineJson("bench-sp"))
        .put("server", new JsonObject().put("port", 0));
    vertx.deployVerticle(sp, new DeploymentOptions().setConfig(conf)).await(60, TimeUnit.SECONDS);
    OffloadEngine engine = sp.engine();
    Promise<Void> registered = Promise.promise();
    engine.ucxContext().runOnContext(v -> {
      long[] count = {0};
      long[] ackAt = {-1};
      engine.consumer(CTRL, m -> ackAt[0] = m.payload().getLong(0));
      engine.consumer(DATA, m -> {
        if (++count[0] == ackAt[0]) {
          sp.server().notify(m.peerId(), CTRL, Buffer.buffer());
        }
      }).completion().onComplete(registered);
    });
    registered.future().await(30, TimeUnit.SECONDS);
    System.out.println("listening " + sp.server().localPort());
    System.out.flush();
    Thread.currentThread().join(); // until the parent kills this JVM
  }

  /** Client state; all of it lives on the UCX progress thread. */
  private static final class Driver extends RttDriver {
    final ExecutionContext ctx;
    // stream
    int toSend;
    int inFlight;
    boolean pumping;

    Driver(ExecutionContext ctx) {
      this.ctx = ctx;
    }

    ByteBuffer direct;

    /**
     * Up to 4 KiB a library-managed payload (copied); from 64 KiB on a user-managed direct buffer
     * ({@code notifyDirect}, no copy), as the README advises for large payloads.
     */
    @Override
    void send() {
      if (size < DIRECT_FROM) {
        ctx.notify(0, Echo.TYPE, payload);
        return;
      }
      if (direct == null || direct.capacity() != size) {
        direct = ByteBuffer.allocateDirect(size);
      }
      ctx.notifyDirect(0, Echo.TYPE, direct.clear());
    }

    void pump() {
      if (pumping) {
        return;
      }
      pumping = true;
      try {
        while (inFlight < WINDOW && toSend > 0) {
          toSend--;
          inFlight++;
          ctx.notify(0, DATA, payload).onComplete(ar -> {
            inFlight--;
            if (ar.failed()) {
              finished.completeExceptionally(ar.cause());
            }
            pump();
          });
        }
      } finally {
        pumping = false;
      }
    }
  }

  /** An engine with no traffic: the share of one core the whole JVM uses over 5 s, after 2 s of rest. */
  static void idle() throws Exception {
    Vertx vertx = Vertx.vertx();
    OffloadEngine engine = OffloadEngine.create(vertx, new EngineOptions(engineJson("bench-idle"))).await();
    Thread.sleep(2000);
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Thread.sleep(5000);
    double percent = 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - t0);
    Child.result(new JsonObject().put("kind", "idle").put("percentOfCore", percent));
    engine.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static void client(int port, Plan plan) throws Exception {
    Vertx vertx = Vertx.vertx();
    OffloadEngine engine = OffloadEngine.create(vertx, new EngineOptions(engineJson("bench-rank"))).await();
    ExecutionContext ctx = engine.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, 0, 1)))
        .await();
    Driver d = new Driver(ctx);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    // BENCH_EVENT_LOOP: the consumers (and the pings they send) on an event loop, not the progress thread
    Context consumers = System.getenv("BENCH_EVENT_LOOP") != null ? vertx.getOrCreateContext() : engine.ucxContext();
    consumers.runOnContext(v -> {
      ctx.consumer(Echo.TYPE, m -> d.pong());
      ctx.consumer(CTRL, m -> d.finished.complete(null))
          .completion().onComplete(ar -> ready.complete(null));
    });
    ready.get(30, TimeUnit.SECONDS);
    if (System.getenv("BENCH_TPUT_ONLY") == null) {
      d.measure(consumers, "notify", plan, false);
    }
    if (System.getenv("BENCH_HOPS") != null) {
      // where one round trip's time went on this side: AM callback -> handler -> send posted -> completed
      Child.result(new JsonObject().put("transport", "notify").put("kind", "hops")
          .mergeIn(((EngineImpl) engine).hopTable()));
      engine.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
      return;
    }
    long target = 0;
    for (int size : Plan.SIZES) {
      int n = plan.messages(size);
      double[] rates = new double[plan.rounds()];
      for (int round = -1; round < plan.rounds(); round++) {
        int count = round < 0 ? plan.warmupMessages(size) : n;
        target += count;
        long ackAt = target;
        CompletableFuture<Void> f = new CompletableFuture<>();
        long t0 = System.nanoTime();
        engine.ucxContext().runOnContext(v -> {
          d.payload = Buffer.buffer(new byte[size]);
          d.finished = f;
          ctx.notify(0, CTRL, Buffer.buffer().appendLong(ackAt));
          d.toSend = count;
          d.pump();
        });
        f.get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (round >= 0) {
          rates[round] = n / seconds;
        }
      }
      Child.result(Child.throughput("notify", size, rates));
    }
    System.err.println("notify client: sent " + engine.notificationStats().sent() + ", received "
        + engine.notificationStats().received());
    engine.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
