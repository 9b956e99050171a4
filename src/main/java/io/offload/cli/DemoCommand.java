package io.offload.cli;

import io.offload.cache.CacheDigest;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.context.BootstrapPhase;
import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
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

/**
 * {@code offload demo}: H simulated hosts with M service processes each (one topology, an
 * inter-service-process mesh) and N ranks placed block-wise over the hosts, each on service
 * process {@code local_rank % M} of its host; prints each phase as all ranks reach it, then a
 * summary in which every cache (ranks and service processes) is checked against the ground
 * truth derived from the topology ("caches verified: N/N"; exit 1 if any differs).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "The main job: M service processes, N ranks bootstrapping against them, K echo round trips "
        + "per rank; prints each phase as it is reached and a summary.")
final class DemoCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--service-processes", defaultValue = "2", description = "M per host (default: ${DEFAULT-VALUE}).")
  int serviceProcesses;

  @Option(names = "--hosts", defaultValue = "1", description = "Simulated hosts, each with M service processes "
      + "(default: ${DEFAULT-VALUE}).")
  int hosts;

  @Option(names = "--ranks", defaultValue = "16", description = "N (default: ${DEFAULT-VALUE}).")
  int ranks;

  @Option(names = "--notifications", defaultValue = "200", description = "K per rank (default: ${DEFAULT-VALUE}).")
  int notifications;

  @Option(names = "--processes", description = "One JVM per service process and per rank (default: all in this JVM).")
  boolean processes;

  @Option(names = "--timeout", defaultValue = "300000", paramLabel = "MS", description = "With --processes: how long a "
      + "service process may take to listen, and a rank to connect, see its whole group in the cache and finish "
      + "(default: ${DEFAULT-VALUE}). Raise it for many JVMs on few cores.")
  long timeoutMs;

  @Option(names = "--launch-window", paramLabel = "N", description = "With --processes: at most N rank JVMs "
      + "starting at once, the next one starting as soon as one has bootstrapped, as a launcher's fan-out limit "
      + "(default: twice the cores, ${DEFAULT-VALUE}; 0: all at once).")
  int launchWindow = 2 * Runtime.getRuntime().availableProcessors();

  @Option(names = "--record-archives", hidden = true, description = "Only record the class-data archives of the "
      + "child JVMs of --processes, when this jar has none yet, and exit (./offload runs it after a build).")
  boolean recordArchives;

  @Option(names = "--json", description = "Print one JSON object, no progress.")
  boolean json;

  @Option(names = "--verbose", description = "Log every phase change.")
  boolean verbose;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Usage.range(spec, "--service-processes", serviceProcesses, 1, Integer.MAX_VALUE);
    Usage.range(spec, "--hosts", hosts, 1, Integer.MAX_VALUE);
    Usage.range(spec, "--ranks", ranks, 1, Integer.MAX_VALUE);
    Usage.range(spec, "--timeout", timeoutMs, 1, Long.MAX_VALUE);
    Usage.range(spec, "--launch-window", launchWindow, 0, Integer.MAX_VALUE);
    Usage.range(spec, "--notifications", notifications, 0, RankCommand.MAX_NOTIFICATIONS);
    Logging.setVerbose(verbose);
    if (recordArchives) {
      recordArchivesIfMissing();
      return OffloadCli.OK;
    }
    if (processes) {
      return runProcesses();
    }
    Vertx vertx = CliVertx.create();
    try {
      return run(vertx);
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  private int run(Vertx vertx) throws Exception {
    long t0 = System.nanoTime();
    Topology topology = Topology.onLoopback(hosts, serviceProcesses);
    RankInfo[] placement = topology.placeBlock(0, ranks);
    List<ServiceProcessVerticle> sps = new ArrayList<>();
    List<Future<String>> spDeployments = new ArrayList<>();
    for (ServiceProcessSpec spec : topology.serviceProcesses()) {
      ServiceProcessVerticle sp = new ServiceProcessVerticle();
      sps.add(sp);
      JsonObject conf = new JsonObject().put("engine", new JsonObject().put("name", "sp" + spec.globalId()))
          .put("topology", topology.toJson()).put("serviceProcessId", spec.globalId());
      spDeployments.add(vertx.deployVerticle(sp, new DeploymentOptions().setConfig(conf)));
    }
    Future.all(spDeployments).await(60, TimeUnit.SECONDS);
    if (!json) {
      for (ServiceProcessSpec spec : topology.serviceProcesses()) {
        out.printf("service process %d (host %d) listening %s:%d%n", spec.globalId(), spec.hostId(), spec.address(),
            spec.rankPort());
      }
    }

    PhaseBoard board = new PhaseBoard(ranks, t0, json ? null : out);
    List<RankVerticle> rvs = new ArrayList<>();
    List<Future<String>> rankDeployments = new ArrayList<>();
    for (RankInfo r : placement) {
      // each rank is served by local_rank % service processes of its host (from the topology)
      String engineName = "rank" + r.rank();
      vertx.eventBus().<PhaseChange>localConsumer(Addresses.phase(engineName), m -> board.reached(m.body().to()));
      RankVerticle rv = new RankVerticle();
      rvs.add(rv);
      JsonObject conf = new JsonObject()
          .put("engine", new JsonObject().put("name", engineName))
          .put("topology", topology.toJson())
          .put("client", new JsonObject().put("rank", new JsonObject().put("groupId", 0).put("rank", r.rank())
              .put("groupSize", ranks).put("localRank", r.localRank()).put("localSize", r.localSize())
              .put("hostId", r.hostId())))
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
    JsonObject summary = DemoSummary.summarize(rankSummaries, spPeers, wallMs, notifications, processes);
    summary.put("caches", verifyCaches(topology, placement, rvs, sps)).put("hosts", hosts);
    return report(summary);
  }

  /** Prints the summary; exit code 1 unless every cache checked equals the ground truth. */
  private int report(JsonObject summary) {
    if (json) {
      out.println(summary.encode());
    } else {
      DemoSummary.printTable(out, summary);
    }
    JsonObject caches = summary.getJsonObject("caches");
    return caches.getInteger("verified").equals(caches.getInteger("total")) ? OffloadCli.OK : OffloadCli.FAILED;
  }

  /** Every rank's and service process's cache of the world group against the topology's ground truth. */
  private JsonObject verifyCaches(Topology topology, RankInfo[] placement, List<RankVerticle> rvs,
      List<ServiceProcessVerticle> sps) throws Exception {
    String expected = CacheDigest.expected(topology, placement);
    List<OffloadEngine> engines = new ArrayList<>();
    sps.forEach(sp -> engines.add(sp.engine()));
    rvs.forEach(rv -> engines.add(rv.engine()));
    int verified = 0;
    JsonArray wrong = new JsonArray();
    for (OffloadEngine e : engines) {
      try {
        e.cache().whenComplete(0).await(30, TimeUnit.SECONDS); // ranks already waited; service processes may lag
      } catch (Exception ex) {
        wrong.add(e.id() + ": incomplete (" + e.cache().knownMembers(0) + " of " + ranks + ")");
        continue;
      }
      String digest = e.cache().digest(0);
      if (expected.equals(digest)) {
        verified++;
      } else {
        wrong.add(e.id() + ": digest " + digest);
      }
    }
    double lastConnect = 0;
    double lastCache = 0;
    for (RankVerticle rv : rvs) {
      JsonObject s = rv.summary();
      lastConnect = Math.max(lastConnect, s.getLong("bootstrapAtNanos"));
      lastCache = Math.max(lastCache, s.getLong("cacheAtNanos", 0L));
    }
    return new JsonObject().put("verified", verified).put("total", engines.size()).put("expectedDigest", expected)
        .put("entriesPerCache", ranks).put("lastConnectToAllCachesMs", (lastCache - lastConnect) / 1e6)
        .put("wrong", wrong);
  }


  /**
   * The same job, one JVM per process. When the jar has no class-data archives for its child JVMs
   * yet (the first run after a build), a job of 2 service processes and 2 ranks records them
   * first: without them every child of the real job would start from the jar, as the recording
   * child itself only writes its archive when it exits, at the end.
   */
  private int runProcesses() throws Exception {
    recordArchivesIfMissing();
    return report(runJob(hosts, serviceProcesses, ranks, false));
  }

  private void recordArchivesIfMissing() {
    if (!ProcessJob.archivesMissing()) {
      return;
    }
    long t = System.nanoTime();
    try {
      runJob(1, 2, 2, true);
      System.err.printf("demo: recorded the class-data archives of the child JVMs (once per build of the jar) with a "
          + "job of 2 service processes and 2 ranks in %.1f s%n", (System.nanoTime() - t) / 1e9);
    } catch (Exception e) {
      System.err.println("demo: recording the class-data archives failed (" + OffloadCli.oneLine(e)
          + "); the job runs without them");
    }
  }

  /** A job of {@code spsPerHost} service processes per host and {@code rankCount} ranks, one JVM each; its summary. */
  private JsonObject runJob(int hostCount, int spsPerHost, int rankCount, boolean quiet) throws Exception {
    long t0 = System.nanoTime();
    Topology topology = Topology.onLoopback(hostCount, spsPerHost);
    RankInfo[] placement = topology.placeBlock(0, rankCount);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("offload-demo-topology", ".json");
    java.nio.file.Files.writeString(file, topology.toJson().encodePrettily());
    file.toFile().deleteOnExit();
    int spCount = topology.serviceProcessCount();
    PhaseBoard board = new PhaseBoard(rankCount, t0, json || quiet ? null : out);
    JvmProgress progress = new JvmProgress(t0, spCount, rankCount, quiet ? null : System.err);
    int[] peersPerSp = new int[spCount];
    try (ProcessJob job = new ProcessJob(timeoutMs, spCount + rankCount).launchWindow(launchWindow)) {
      List<java.util.concurrent.CompletableFuture<Integer>> ports = new ArrayList<>();
      for (ServiceProcessSpec spec : topology.serviceProcesses()) {
        int sp = spec.globalId();
        ports.add(job.startServiceProcess(file, sp, (scope, phase) -> {
          if (!"server-1".equals(scope)) {
            return; // a mesh link between service processes, not a rank
          }
          if (phase == BootstrapPhase.BOOTSTRAP_DONE) {
            job.rankUp();
            synchronized (peersPerSp) {
              peersPerSp[sp]++;
            }
          }
          board.reached(phase);
          progress.rankReached(phase);
        }));
        ports.get(sp).thenRun(progress::serviceProcessListening);
      }
      progress.line(spCount + " service process JVMs started");
      for (ServiceProcessSpec spec : topology.serviceProcesses()) {
        int port = ports.get(spec.globalId()).get(timeoutMs, TimeUnit.MILLISECONDS);
        if (!json && !quiet) {
          out.printf("service process %d (host %d) listening %s:%d (own JVM)%n", spec.globalId(), spec.hostId(),
              spec.address(), port);
        }
      }
      long tRanks = System.nanoTime();
      List<java.util.concurrent.CompletableFuture<JsonObject>> rankRuns = new ArrayList<>();
      for (RankInfo r : placement) {
        rankRuns.add(job.startRank(file, r, notifications));
        rankRuns.get(rankRuns.size() - 1).thenRun(progress::rankFinished);
      }
      progress.line(rankCount + " rank JVMs started");
      List<JsonObject> summaries = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs) + TimeUnit.SECONDS.toNanos(60);
      for (var f : rankRuns) { // each rank bounds its own waits by the timeout; this backs them up
        summaries.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      double wallMs = (System.nanoTime() - tRanks) / 1e6;
      board.finish();
      job.terminateAll(30, TimeUnit.SECONDS);
      JsonArray spPeers = new JsonArray();
      synchronized (peersPerSp) {
        for (int n : peersPerSp) {
          spPeers.add(n);
        }
      }
      return DemoSummary.summarize(summaries, spPeers, wallMs, notifications, processes).put("hosts", hostCount)
          .put("caches", verifyRankCaches(CacheDigest.expected(topology, placement), summaries, rankCount));
    }
  }

  /**
   * With one JVM per process the ranks report their cache digests; the service processes' caches
   * live in their own JVMs and are checked by the tests instead.
   */
  private JsonObject verifyRankCaches(String expected, List<JsonObject> summaries, int rankCount) {
    int verified = 0;
    JsonArray wrong = new JsonArray();
    for (JsonObject s : summaries) {
      if (expected.equals(s.getString("cacheDigest"))) {
        verified++;
      } else {
        wrong.add(s.getString("engine") + ": digest " + s.getString("cacheDigest"));
      }
    }
    return new JsonObject().put("verified", verified).put("total", summaries.size()).put("expectedDigest", expected)
        .put("entriesPerCache", rankCount).putNull("lastConnectToAllCachesMs").put("wrong", wrong);
  }
}
