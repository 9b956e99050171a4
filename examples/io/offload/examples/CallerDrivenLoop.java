package io.offload.examples;

import io.offload.cache.Handle;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.engine.EngineOptions;
import io.offload.engine.EngineState;
import io.offload.engine.OffloadEngine;
import io.offload.ucx.UcxFeatures;
import io.offload.verticles.Echo;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * An HPC runtime that keeps its own UCX and its own progress loop: the rank's engine adopts the
 * application's worker (caller-driven mode) and moves only when the application's loop calls
 * {@code engine.progress()}, the C original's {@code lib_progress}. Everything the rank does
 * (bootstrap, group cache, a one-sided put into its service process's region, a notification
 * echo, finalization) is a chain of futures that completes inside those calls; the notification
 * consumer, registered from this thread, runs on it.
 */
public final class CallerDrivenLoop {

  public static void main(String[] args) throws Exception {
    System.out.println(run());
  }

  public static String run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // A service process of its own (its own progress thread) with a 4 KiB region, one rank.
      Topology topology = Topology.onLoopback(1, 1);
      ServiceProcessVerticle service = new ServiceProcessVerticle();
      vertx.deployVerticle(service, new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topology.toJson()).put("serviceProcessId", 0).put("memoryRegionBytes", 4096)))
          .await(30, TimeUnit.SECONDS);
      RankInfo me = topology.placeBlock(0, 1)[0];
      ServiceProcessSpec sp = topology.serviceProcessFor(me.hostId(), me.localRank());

      // The application's UCX: its context and worker, owned and closed by it.
      try (UcpContext ucp = new UcpContext(UcxFeatures.requiredParams())) {
        UcpWorker worker = ucp.newWorker(new UcpWorkerParams());
        // On this thread (it owns the worker): the engine is built before create returns.
        OffloadEngine engine = OffloadEngine.create(vertx, new EngineOptions().setRankInfo(me)
            .setUcpContext(ucp).setUcpWorker(worker)).result();

        ByteBuffer source = ByteBuffer.allocateDirect(64).put("put by a caller-driven rank".getBytes(StandardCharsets.UTF_8))
            .flip();
        Promise<String> echo = Promise.promise();
        Future<String> job = engine.connect(new ClientOptions().setHost(sp.address()).setPort(sp.rankPort()).setRankInfo(me))
            .compose(client -> engine.cache().whenComplete(me.groupId()).map(client))
            .compose(client -> {
              Handle handle = engine.cache().handleOf(me.groupId(), me.rank());
              return handle.put(0, source).map(client);
            })
            .compose((ExecutionContext client) -> {
              // registered from this thread: runs on it, inside progress(), as the echo arrives
              client.consumer(Echo.TYPE, n -> echo.tryComplete(n.payload().toString()));
              client.notify(0, Echo.TYPE, Buffer.buffer("hello"));
              return echo.future();
            })
            .compose(answer -> engine.close().map(answer));

        // The application's own loop: progress, and back off when there was nothing to do.
        IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!job.isComplete() && System.nanoTime() < deadline) {
          idle.idle(engine.progress());
        }
        if (!job.succeeded()) {
          throw new IllegalStateException("the rank did not finish: " + (job.isComplete() ? job.cause() : "timed out"),
              job.cause());
        }
        if (engine.state() != EngineState.TERMINATED) {
          throw new IllegalStateException("engine " + engine.state() + " after close"); // never close the worker then
        }
        worker.close(); // the engine is done with it: the application's to close

        byte[] landed = new byte[source.limit()];
        service.region().duplicate().get(landed);
        return "echo: " + job.result() + "; region: " + new String(landed, StandardCharsets.UTF_8);
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
