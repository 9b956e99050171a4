package io.offload.cli;

import io.offload.context.BootstrapPhase;
import io.offload.context.PhaseChange;
import io.offload.notify.Addresses;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * {@code offload demo}: M service processes and N ranks bootstrapping against them, each rank
 * on service process {@code local_rank % M}; prints each phase as all ranks reach it, then a
 * summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "The main job: M service processes, N ranks bootstrapping against them, K echo round trips "
        + "per rank; prints each phase as it is reached and a summary.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--service-processes", defaultValue = "2", description = "M (default: ${DEFAULT-VALUE}).")
  int serviceProcesses;

  @Option(names = "--ranks", defaultValue = "16", description = "N (default: ${DEFAULT-VALUE}).")
  int ranks;

  @Option(names = "--notifications", defaultValue = "200", description = "K per rank (default: ${DEFAULT-VALUE}).")
  int notifications;

  @Option(names = "--processes", description = "One JVM per service process and per rank (default: all in this JVM).")
  boolean processes;

  @Option(names = "--json", description = "Print one JSON object, no progress.")
  boolean json;

  @Option(names = "--verbose", description = "Log every phase change.")
  boolean verbose;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (serviceProcesses < 1 || ranks < 1 || notifications < 0) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--service-processes and --ranks must be >= 1, --notifications >= 0");
    }
    Logging.setVerbose(verbose);
    if (processes) {
      return runProcesses();
    }
    Vertx vertx = Vertx.vertx();
    try {
      return run(vertx);
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  private int run(Vertx vertx) throws Exception {
    long t0 = System.nanoTime();
    List<ServiceProcessVerticle> sps = new ArrayList<>();
    List<Future<String>> spDeployments = new ArrayList<>();
    for (int m = 0; m < serviceProcesses; m++) {
      ServiceProcessVerticle sp = new ServiceProcessVerticle();
      sps.add(sp);
      JsonObject conf = new JsonObject().put("engine", new JsonObject().put("name", "sp" + m))
          .put("server", new JsonObject().put("port", 0).put("serviceProcessId", m));
      spDeployments.add(vertx.deployVerticle(sp, new DeploymentOptions().setConfig(conf)));
    }
    Future.all(spDeployments).await(60, TimeUnit.SECONDS);
    if (!json) {
      for (int m = 0; m < serviceProcesses; m++) {
        out.printf("service process %d listening 127.0.0.1:%d%n", m, sps.get(m).server().localPort());
      }
    }

    PhaseBoard board = new PhaseBoard(ranks, t0, json ? null : out);
    List<RankVerticle> rvs = new ArrayList<>();
    List<Future<String>> rankDeployments = new ArrayList<>();
    for (int r = 0; r < ranks; r++) {
      int spIndex = r % serviceProcesses; // local_rank % service processes per host (one host here)
      String engineName = "rank" + r;
      int rank = r;
      vertx.eventBus().<PhaseChange>localConsumer(Addresses.phase(engineName), m -> board.reached(rank, m.body().to()));
      RankVerticle rv = new RankVerticle();
      rvs.add(rv);
      JsonObject conf = new JsonObject()
          .put("engine", new JsonObject().put("name", engineName))
          .put("client", new JsonObject().put("port", sps.get(spIndex).server().localPort())
              .put("rank", new JsonObject().put("groupId", 0).put("rank", r).put("groupSize", ranks)
                  .put("localRank", r).put("localSize", ranks)))
          .put("notifications", notifications);
      rankDeployments.add(vertx.deployVerticle(rv, new DeploymentOptions().setConfig(conf)));
    }
    long tRanks = System.nanoTime();
    Future.all(rankDeployments).await(120, TimeUnit.SECONDS);
    double wallMs = (System.nanoTime() - tRanks) / 1e6;
    board.finish();

    List<JsonObject> rankSummaries = new ArrayList<>();
    rvs.forEach(rv -> rankSummaries.add(rv.summary()));
    JsonArray spPeers = new JsonArray();
    sps.forEach(sp -> spPeers.add(sp.server().peers().size()));
    return report(summarize(rankSummaries, spPeers, wallMs));
  }

  private int report(JsonObject summary) {
    if (json) {
      out.println(summary.encode());
    } else {
      printTable(summary);
    }
    return OffloadCli.OK;
  }

  private JsonObject summarize(List<JsonObject> rvs, JsonArray spPeers, double wallMs) {
    double[] boot = new double[rvs.size()];
    List<Double> p50s = new ArrayList<>();
    List<Double> p99s = new ArrayList<>();
    JsonArray perRank = new JsonArray();
    for (int i = 0; i < rvs.size(); i++) {
      JsonObject s = rvs.get(i);
      boot[i] = s.getDouble("bootstrapMs");
      if (s.containsKey("rttP50Us")) {
        p50s.add(s.getDouble("rttP50Us"));
        p99s.add(s.getDouble("rttP99Us"));
      }
      perRank.add(s);
    }
    double[] b = Stats.sorted(boot);
    double[] m50 = Stats.sorted(p50s.stream().mapToDouble(Double::doubleValue).toArray());
    double[] m99 = Stats.sorted(p99s.stream().mapToDouble(Double::doubleValue).toArray());
    long total = 2L * notifications * rvs.size();
    return new JsonObject()
        .put("serviceProcesses", spPeers.size()).put("processes", processes).put("ranks", rvs.size()).put("notificationsPerRank", notifications)
        .put("bootstrapMs", new JsonObject().put("p50", Stats.percentile(b, 50)).put("p99", Stats.percentile(b, 99))
            .put("max", b[b.length - 1]))
        .put("roundTripUs", new JsonObject().put("p50", Stats.percentile(m50, 50)).put("p99", Stats.percentile(m99, 50)))
        .put("notificationsPerSecond", total / (wallMs / 1e3))
        .put("peersPerServiceProcess", spPeers)
        .put("wallMs", wallMs)
        .put("perRank", perRank);
  }

  /** The same job, one JVM per process. */
  private int runProcesses() throws Exception {
    long t0 = System.nanoTime();
    PhaseBoard board = new PhaseBoard(ranks, t0, json ? null : out);
    int[] donePerSp = new int[serviceProcesses];
    try (ProcessJob job = new ProcessJob()) {
      List<java.util.concurrent.CompletableFuture<Integer>> ports = new ArrayList<>();
      for (int m = 0; m < serviceProcesses; m++) {
        int sp = m;
        ports.add(job.startServiceProcess(m, phase -> {
          if (phase == BootstrapPhase.BOOTSTRAP_DONE) {
            synchronized (donePerSp) {
              donePerSp[sp]++;
            }
          }
          board.reached(-1, phase);
        }));
      }
      for (int m = 0; m < serviceProcesses; m++) {
        int port = ports.get(m).get(60, TimeUnit.SECONDS);
        if (!json) {
          out.printf("service process %d listening 127.0.0.1:%d (own JVM)%n", m, port);
        }
      }
      long tRanks = System.nanoTime();
      List<java.util.concurrent.CompletableFuture<JsonObject>> rankRuns = new ArrayList<>();
      for (int r = 0; r < ranks; r++) {
        rankRuns.add(job.startRank(r, ranks, ports.get(r % serviceProcesses).get(), notifications));
      }
      List<JsonObject> summaries = new ArrayList<>();
      for (var f : rankRuns) {
        summaries.add(f.get(300, TimeUnit.SECONDS));
      }
      double wallMs = (System.nanoTime() - tRanks) / 1e6;
      board.finish();
      job.terminateAll(30, TimeUnit.SECONDS);
      JsonArray spPeers = new JsonArray();
      synchronized (donePerSp) {
        for (int n : donePerSp) {
          spPeers.add(n);
        }
      }
      return report(summarize(summaries, spPeers, wallMs));
    }
  }

  private void printTable(JsonObject s) {
    JsonObject b = s.getJsonObject("bootstrapMs");
    JsonObject rt = s.getJsonObject("roundTripUs");
    out.println();
    out.printf("%-34s %s%n", "service processes / ranks", s.getInteger("serviceProcesses") + " / " + s.getInteger("ranks"));
    out.printf("%-34s p50 %.2f  p99 %.2f  max %.2f%n", "bootstrap per rank (ms)", b.getDouble("p50"), b.getDouble("p99"),
        b.getDouble("max"));
    out.printf("%-34s p50 %.1f  p99 %.1f  (median over ranks)%n", "notification round trip (us)", rt.getDouble("p50"),
        rt.getDouble("p99"));
    out.printf("%-34s %.0f%n", "notifications per second", s.getDouble("notificationsPerSecond"));
    out.printf("%-34s %s%n", "peers per service process", s.getJsonArray("peersPerServiceProcess").encode());
  }

  /** Counts ranks per phase; prints a line when all ranks have reached a phase, and a live line on a terminal. */
  private static final class PhaseBoard {
    private final int ranks;
    private final long t0;
    private final PrintStream out;
    private final AtomicIntegerArray reached = new AtomicIntegerArray(BootstrapPhase.values().length);
    private final boolean live = System.console() != null;

    PhaseBoard(int ranks, long t0, PrintStream out) {
      this.ranks = ranks;
      this.t0 = t0;
      this.out = out;
    }

    synchronized void reached(int rank, BootstrapPhase phase) {
      int n = reached.incrementAndGet(phase.ordinal());
      if (out == null) {
        return;
      }
      if (live) {
        out.printf("\rranks: OOB %d  UCX %d  DONE %d  lost %d   ", reached.get(1), reached.get(2), reached.get(3),
            reached.get(4));
      }
      if (n == ranks && phase != BootstrapPhase.DISCONNECTED) {
        out.printf("%s[%7.1f ms] all %d ranks %s%n", live ? "\r" : "", (System.nanoTime() - t0) / 1e6, ranks, phase);
      }
    }

    void finish() {
      if (out != null && live) {
        out.println();
      }
    }
  }
}
