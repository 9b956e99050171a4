package io.offload.bench;

import io.offload.context.ClientOptions;
import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.ucx.UcxFeatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Bootstrap costs. {@link #single}: one rank at a time, a fresh engine (UCX context, worker,
 * progress thread) and connect against one running service process, closed again before the
 * next. {@link #ranks}: many ranks as engines of this one JVM (sharing one {@code Vertx}), all
 * started at once when the parent writes {@code go}; the parent times go → {@code up}. Beside
 * {@link #single}, the raw floor: a bare JUCX context and worker made and closed.
 */
final class BootBench {

  private BootBench() {
  }

  static void single(int port, int warm, int n) throws Exception {
    Sample ucxFloor = ucxCreation(warm, n);
    Vertx vertx = Vertx.vertx();
    Sample total = new Sample(n);
    Sample engineOnly = new Sample(n);
    Sample connectOnly = new Sample(n);
    for (int i = 0; i < warm + n; i++) {
      long t0 = System.nanoTime();
      OffloadEngine engine = OffloadEngine.create(vertx).await();
      long t1 = System.nanoTime();
      engine.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, i, warm + n))).await();
      long t2 = System.nanoTime();
      if (i >= warm) {
        total.add(t2 - t0);
        engineOnly.add(t1 - t0);
        connectOnly.add(t2 - t1);
      }
      engine.close().await(30, TimeUnit.SECONDS);
    }
    Child.result(new JsonObject().put("kind", "bootstrap-one").put("total", total.toJson())
        .put("engine", engineOnly.toJson()).put("connect", connectOnly.toJson())
        .put("rawUcxCreation", ucxFloor.toJson()));
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /**
   * The raw floor of engine creation: a JUCX context and worker with the features an engine asks
   * for, made and closed with nothing else, in the same JVM and run. No engine can start faster.
   */
  private static Sample ucxCreation(int warm, int n) {
    Sample s = new Sample(n);
    for (int i = 0; i < warm + n; i++) {
      long t0 = System.nanoTime();
      UcpContext context = new UcpContext(UcxFeatures.requiredParams());
      UcpWorker worker = context.newWorker(new UcpWorkerParams());
      long t1 = System.nanoTime();
      worker.close();
      context.close();
      if (i >= warm) {
        s.add(t1 - t0);
      }
    }
    return s;
  }

  static void ranks(String portsCsv, int count, int firstRank, int totalRanks, int groupSize) throws Exception {
    String[] parts = portsCsv.split(",");
    int[] ports = new int[parts.length];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = Integer.parseInt(parts[i]);
    }
    Vertx vertx = Vertx.vertx();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("ready");
    System.out.flush();
    String line;
    while ((line = in.readLine()) != null && line.startsWith("go ")) {
      int rep = Integer.parseInt(line.substring(3).trim());
      long t0 = System.nanoTime();
      List<Future<OffloadEngine>> engines = new ArrayList<>();
      List<Future<?>> connected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int rank = rep * totalRanks + firstRank + i;
        int port = ports[(firstRank + i) % ports.length];
        Future<OffloadEngine> e = OffloadEngine.create(vertx);
        engines.add(e);
        connected.add(e.compose(engine -> engine.connect(new ClientOptions().setPort(port)
            .setRankInfo(RankInfo.of(0, rank, groupSize)))));
      }
      Future.all(engines).await(120, TimeUnit.SECONDS);
      long created = System.nanoTime();
      Future.all(connected).await(120, TimeUnit.SECONDS);
      long up = System.nanoTime();
      // "created": every engine's UCX context, worker and progress thread is up; "up": all at BOOTSTRAP_DONE
      System.out.printf("up %.1f %.1f%n", (created - t0) / 1e6, (up - t0) / 1e6);
      System.out.flush();
      in.readLine(); // "quit"
      List<Future<?>> closed = new ArrayList<>();
      for (Future<OffloadEngine> e : engines) {
        closed.add(e.result().close());
      }
      Future.join(closed).await(60, TimeUnit.SECONDS);
      System.out.println("closed");
      System.out.flush();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
