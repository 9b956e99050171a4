package io.offload.cli;

import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.PhaseChange;
import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.testkit.Jvm;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI driven as processes: exit codes, the listening line, JSON output, signals, metrics. */
class CliTest {

  static int freePort() {
    return io.offload.topology.FreePorts.pick();
  }

  static JsonObject jsonLine(Jvm jvm) {
    return new JsonObject(jvm.lines().stream().filter(l -> l.startsWith("{")).findFirst()
        .orElseThrow(() -> new AssertionError("no JSON line in:\n" + jvm.output())));
  }

  @Test
  void serviceRanksMetricsAndSigtermWithARankConnected() throws Exception {
    int metricsPort = freePort();
    Vertx vertx = Vertx.vertx();
    try (Jvm sp = Jvm.offload("sp", "service", "--port", "0", "--id", "3", "--metrics-port", String.valueOf(metricsPort))) {
      int port = sp.awaitListeningPort();
      assertEquals(1, sp.lines().stream().filter(l -> l.startsWith("listening ")).count(), "exactly one listening line");
      assertTrue(sp.lines().contains("metrics http://127.0.0.1:" + metricsPort + "/metrics"), "the URL at start:\n"
          + sp.output());

      try (Jvm rank = Jvm.offload("rank", "rank", "--connect", "127.0.0.1:" + port, "--rank", "0", "--size", "2",
          "--notifications", "100", "--json")) {
        assertEquals(0, rank.awaitExit(60, TimeUnit.SECONDS), rank.output() + "\nservice process:\n" + sp.output());
        JsonObject s = jsonLine(rank);
        assertEquals(100, s.getInteger("notifications"));
        assertEquals(3, s.getInteger("serviceProcess"));
        assertTrue(s.getDouble("bootstrapMs") > 0 && s.getDouble("rttP50Us") > 0, s.encode());
      }

      String metrics = scrape(metricsPort);
      assertTrue(metrics.contains("offload_phase_changes_total{engine=\"sp3\",phase=\"BOOTSTRAP_DONE\"} 1.0"), metrics);
      assertTrue(metrics.contains("offload_notifications_received_total{engine=\"sp3\"} 101.0"), "100 + the probe");
      // a histogram with fixed buckets (aggregatable), not per-process quantiles
      assertTrue(metrics.contains("offload_bootstrap_duration_seconds_bucket{engine=\"sp3\",le=\"30.0\"} 1"), metrics);
      assertFalse(metrics.contains("offload_bootstrap_duration_seconds{engine=\"sp3\",quantile="), metrics);
      assertTrue(metrics.contains("offload_cache_entries{engine=\"sp3\"}"), "cache gauge");
      // the rank has left: the live-peer gauge of the server context says so (once the server has seen it go)
      Await.until("offload_peers BOOTSTRAP_DONE back to 0", () -> scrapeOrEmpty(metricsPort)
          .contains("offload_peers{context=\"server-1\",engine=\"sp3\",phase=\"BOOTSTRAP_DONE\"} 0.0"), 30, TimeUnit.SECONDS);
      // JVM and process binders
      for (String meter : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
          "process_cpu_usage", "process_uptime_seconds", "process_files_open_files")) {
        assertTrue(metrics.contains(meter), meter + " in:\n" + metrics);
      }

      // a rank stays connected while the service process gets SIGTERM
      OffloadEngine e = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      List<PhaseChange> changes = new CopyOnWriteArrayList<>();
      vertx.eventBus().<PhaseChange>localConsumer(e.phaseAddress(), m -> changes.add(m.body())).completion()
          .await(10, TimeUnit.SECONDS);
      e.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, 1, 2))).await(30, TimeUnit.SECONDS);
      Await.until("offload_peers BOOTSTRAP_DONE 1 with a rank connected", () -> scrapeOrEmpty(metricsPort)
          .contains("offload_peers{context=\"server-1\",engine=\"sp3\",phase=\"BOOTSTRAP_DONE\"} 1.0"), 30, TimeUnit.SECONDS);
      assertFalse(sp.output().contains("already registered"), "no gauge registered twice:\n" + sp.output());
      sp.terminate();
      assertEquals(0, sp.awaitExit(30, TimeUnit.SECONDS), "SIGTERM finalizes and exits 0:\n" + sp.output());
      Await.until("rank sees the termination", () -> changes.stream().anyMatch(c -> c.to() == BootstrapPhase.DISCONNECTED),
          10, TimeUnit.SECONDS);
      PhaseChange end = changes.stream().filter(c -> c.to() == BootstrapPhase.DISCONNECTED).findFirst().orElseThrow();
      assertTrue(end.reason().startsWith("terminated by the peer"), "clean termination, not a crash: " + end.reason());
      assertEquals(io.offload.context.Departure.FINALIZED, end.departure());
      e.close().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void rankThatCannotBootstrapExitsOneWithAOneLineReason() throws Exception {
    try (Jvm rank = Jvm.offload("rank", "rank", "--connect", "127.0.0.1:" + freePort(), "--rank", "0",
        "--connect-timeout", "300")) {
      assertEquals(OffloadCli.FAILED, rank.awaitExit(60, TimeUnit.SECONDS));
      List<String> err = rank.lines().stream().filter(l -> l.startsWith("[err] offload: ")).toList();
      assertEquals(1, err.size(), rank.output());
      assertTrue(err.get(0).contains("cannot connect"), err.get(0));
    }
  }

  @Test
  void badOptionsExitTwo() throws Exception {
    for (String[] args : List.of(new String[] {"rank", "--connect", "nohostport", "--rank", "0"},
        new String[] {"service", "--port", "70000"}, new String[] {"service", "--no-such-option"},
        new String[] {"demo", "--ranks", "0"})) {
      try (Jvm jvm = Jvm.offload("bad", args)) {
        assertEquals(OffloadCli.USAGE, jvm.awaitExit(60, TimeUnit.SECONDS), String.join(" ", args) + "\n" + jvm.output());
      }
    }
  }

  static String scrape(int port) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static String scrapeOrEmpty(int port) {
    try {
      return scrape(port);
    } catch (Exception e) {
      throw new AssertionError("metrics endpoint unreachable", e);
    }
  }

  @Test
  void metricsPortInUseExitsFive() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
         Jvm sp = Jvm.offload("sp", "service", "--port", "0", "--metrics-port", String.valueOf(taken.getLocalPort()))) {
      assertEquals(OffloadCli.CANNOT_LISTEN, sp.awaitExit(60, TimeUnit.SECONDS), sp.output());
      List<String> err = sp.lines().stream().filter(l -> l.startsWith("[err] ")).toList();
      assertEquals(1, err.size(), sp.output());
      assertTrue(err.get(0).startsWith("[err] offload: cannot listen for metrics on 127.0.0.1:" + taken.getLocalPort()),
          sp.output());
      assertTrue(err.get(0).contains("already in use"), sp.output());
      assertFalse(sp.output().contains("listening "), "no service without its metrics:\n" + sp.output());
    }
  }

  @Test
  void portInUseExitsFive() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
         Jvm sp = Jvm.offload("sp", "service", "--port", String.valueOf(taken.getLocalPort()))) {
      assertEquals(OffloadCli.CANNOT_LISTEN, sp.awaitExit(60, TimeUnit.SECONDS), sp.output());
      assertTrue(sp.output().contains("already in use"), sp.output());
    }
  }

  @Test
  void demoPrintsPhasesAndJsonSummary() throws Exception {
    try (Jvm demo = Jvm.offload("demo", "demo", "--service-processes", "2", "--ranks", "4", "--notifications", "20")) {
      assertEquals(0, demo.awaitExit(120, TimeUnit.SECONDS), demo.output());
      String out = demo.output();
      for (BootstrapPhase p : List.of(BootstrapPhase.OOB_CONNECT_DONE, BootstrapPhase.UCX_CONNECT_DONE,
          BootstrapPhase.BOOTSTRAP_DONE)) {
        assertTrue(out.contains("all 4 ranks " + p), out);
      }
      assertTrue(out.contains("bootstrap per rank (ms)"), out);
    }
    try (Jvm demo = Jvm.offload("demo-json", "demo", "--ranks", "4", "--notifications", "20", "--json")) {
      assertEquals(0, demo.awaitExit(120, TimeUnit.SECONDS), demo.output());
      JsonObject s = jsonLine(demo);
      assertEquals(4, s.getInteger("ranks"));
      assertEquals(4, s.getJsonArray("perRank").size());
      assertEquals("[2,2]", s.getJsonArray("peersPerServiceProcess").encode());
      assertTrue(s.getJsonObject("roundTripUs").getDouble("p50") > 0);
    }
  }

  @Test
  void demoWithOneJvmPerProcess() throws Exception {
    // a launch window of 1: the second rank starts once the first has bootstrapped (a window that is never
    // released would hold it for the whole 300 s timeout)
    try (Jvm demo = Jvm.offload("demo-processes", "demo", "--processes", "--service-processes", "1", "--ranks", "2",
        "--notifications", "10", "--launch-window", "1", "--json")) {
      assertEquals(0, demo.awaitExit(180, TimeUnit.SECONDS), demo.output());
      JsonObject s = jsonLine(demo);
      assertTrue(s.getBoolean("processes"));
      // progress on stderr only: JVMs started, service processes listening, ranks bootstrapped
      List<String> out = demo.lines();
      for (String line : List.of("2 rank JVMs started", "service processes listening 1/1", "ranks bootstrapped 2/2",
          "ranks finished 2/2")) {
        assertTrue(out.stream().anyMatch(l -> l.startsWith("[err] demo: ") && l.endsWith(line)), line + " in:\n"
            + demo.output());
      }
      assertTrue(out.stream().noneMatch(l -> l.startsWith("demo: ")), "nothing but the JSON on stdout:\n" + demo.output());
      assertEquals(2, s.getJsonArray("perRank").size());
      assertEquals("[2]", s.getJsonArray("peersPerServiceProcess").encode());
    }
  }

  @Test
  void everyCommandHasHelpWithExitCodes() throws Exception {
    for (String cmd : List.of("service", "rank", "demo")) {
      try (Jvm jvm = Jvm.offload("help", cmd, "--help")) {
        assertEquals(0, jvm.awaitExit(60, TimeUnit.SECONDS));
        assertTrue(jvm.output().contains("Usage: offload " + cmd), jvm.output());
      }
    }
    try (Jvm jvm = Jvm.offload("help", "--help")) {
      assertEquals(0, jvm.awaitExit(60, TimeUnit.SECONDS));
      assertTrue(jvm.output().contains("Exit codes"), jvm.output());
    }
  }

  @Test
  void theVerticlesRunUnderTheStandardVertxLauncher() throws Exception {
    int port = freePort();
    String conf = new JsonObject().put("server", new JsonObject().put("port", port).put("serviceProcessId", 9))
        .put("report", true).encode();
    Vertx vertx = Vertx.vertx();
    try (Jvm sp = Jvm.start("launcher", "io.vertx.launcher.application.VertxApplication",
        List.of("io.offload.verticles.ServiceProcessVerticle", "-conf", conf))) {
      // the service verticle says where it listens
      sp.awaitLine(l -> l.equals("service process 9 listening 127.0.0.1:" + port), 60, TimeUnit.SECONDS);
      OffloadEngine e = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      var client = e.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, 0, 1))).await(60, TimeUnit.SECONDS);
      assertEquals(9, client.peer(0).orElseThrow().serviceProcessId());
      e.close().await(30, TimeUnit.SECONDS);

      // the rank verticle prints its summary and, as its config says, undeploys and exits
      String rankConf = new JsonObject().put("client", new JsonObject().put("port", port)
              .put("rank", new JsonObject().put("groupId", 1).put("rank", 0).put("groupSize", 1)))
          .put("notifications", 20).put("report", true).put("exitWhenDone", true).encode();
      try (Jvm rank = Jvm.start("launcher-rank", "io.vertx.launcher.application.VertxApplication",
          List.of("io.offload.verticles.RankVerticle", "-conf", rankConf))) {
        assertEquals(0, rank.awaitExit(120, TimeUnit.SECONDS), rank.output() + "\nservice:\n" + sp.output());
        JsonObject summary = jsonLine(rank);
        assertEquals(20, summary.getInteger("notifications"), summary.encode());
        assertEquals(9, summary.getInteger("serviceProcess"), summary.encode());
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
