package io.offload.cli;

import io.offload.topology.RankInfo;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code offload alltoallv}: the offloaded alltoallv beside the direct one, on the same ranks and
 * buffers (see {@link AlltoallvRank}); prints {@link AlltoallvReport}'s summary. Exit 1 unless
 * every received byte of both was right.
 */
@Command(name = "alltoallv", mixinStandardHelpOptions = true,
    description = {"The offloaded alltoallv (the service processes move the bytes, one-sided) beside the direct one "
        + "(each rank sends over UCX itself), same ranks, same buffers, random per-pair counts with empty pairs. "
        + "Checks every received byte; prints completion time p50/p99, bandwidth, and each rank's CPU time during the "
        + "operation, for both, and their ratios.",
        "Exit codes: 0 every byte right, 1 a wrong byte or a failure, 2 bad options."})
final class AlltoallvCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--ranks", defaultValue = "16", description = "N (default: ${DEFAULT-VALUE}).")
  int ranks;

  @Option(names = "--service-processes", defaultValue = "2", description = "M per host (default: ${DEFAULT-VALUE}).")
  int serviceProcesses;

  @Option(names = "--hosts", defaultValue = "1", description = "Simulated hosts, each with M service processes, ranks "
      + "placed block-wise (default: ${DEFAULT-VALUE}).")
  int hosts;

  @Option(names = "--bytes", defaultValue = "65536", description = "Mean bytes of a non-empty pair: sizes are random in "
      + "[B/2, 3B/2), 1 pair in 8 sends nothing (default: ${DEFAULT-VALUE}).")
  int bytes;

  @Option(names = "--iterations", defaultValue = "30", description = "Measured alltoallvs of each kind "
      + "(default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured ones first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the counts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--processes", description = "One JVM per service process and per rank (default: all in this JVM; "
      + "rank CPU is then its own threads', else its process's).")
  boolean processes;

  @Option(names = "--timeout", defaultValue = "300000", paramLabel = "MS", description = "Bound of every wait "
      + "(default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Option(names = "--progress-spin-us", paramLabel = "US", description = "Every engine's spin window, ranks and service "
      + "processes, both ways: how long a UCX progress thread busy-spins after its last work before it sleeps "
      + "(default: the engine's, 1000, so a direct rank polls through its exchange as MPI progress does inside a "
      + "blocking collective; 0 sleeps at once).")
  Long progressSpinUs;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Usage.range(spec, "--ranks", ranks, 1, 1 << 16);
    Usage.range(spec, "--service-processes", serviceProcesses, 1, 1024);
    Usage.range(spec, "--hosts", hosts, 1, 1024);
    Usage.range(spec, "--bytes", bytes, 0, 64 << 20);
    Usage.range(spec, "--iterations", iterations, 1, 1_000_000);
    Usage.range(spec, "--warmup", warmup, 0, 1_000_000);
    Usage.range(spec, "--timeout", timeoutMs, 1, Long.MAX_VALUE);
    SpinWindow.check(spec, progressSpinUs);
    if ((long) ranks * ranks * (bytes + bytes / 2) > Integer.MAX_VALUE * (long) ranks) {
      throw Usage.error(spec, "--ranks " + ranks + " x --bytes " + bytes + " needs buffers above 2 GiB per rank");
    }
    Topology topology = Topology.onLoopback(hosts, serviceProcesses);
    RankInfo[] placement = topology.placeBlock(0, ranks);
    AlltoallvPlan plan = new AlltoallvPlan(ranks, bytes, seed);
    List<JsonObject> results = processes ? runProcesses(topology, placement) : runHere(topology, placement, plan);
    JsonObject summary = AlltoallvReport.summarize(results, plan, new JsonObject().put("ranks", ranks)
        .put("serviceProcesses", topology.serviceProcessCount()).put("hosts", hosts).put("processes", processes)
        .put("bytes", bytes).put("iterations", iterations).put("warmup", warmup).put("seed", seed));
    if (json) {
      System.out.println(summary.encode());
    } else {
      AlltoallvReport.print(summary, System.out);
    }
    boolean exact = summary.getJsonObject("offloaded").getLong("wrongBytes") == 0
        && summary.getJsonObject("direct").getLong("wrongBytes") == 0;
    return exact ? OffloadCli.OK : OffloadCli.FAILED;
  }

  /** Every service process and rank an engine of this JVM, each rank on a thread of its own. */
  private List<JsonObject> runHere(Topology topology, RankInfo[] placement, AlltoallvPlan plan) throws Exception {
    Vertx vertx = CliVertx.create();
    try {
      List<Future<String>> deployed = new ArrayList<>();
      for (ServiceProcessSpec sp : topology.serviceProcesses()) {
        deployed.add(vertx.deployVerticle(new ServiceProcessVerticle(), new DeploymentOptions().setConfig(
            new JsonObject().put("engine", SpinWindow.apply(new JsonObject().put("name", "sp" + sp.globalId()),
                    progressSpinUs))
                .put("topology", topology.toJson()).put("serviceProcessId", sp.globalId()))));
      }
      Future.all(deployed).await(timeoutMs, TimeUnit.MILLISECONDS);
      List<RankVerticle> rvs = new ArrayList<>();
      deployed.clear();
      for (RankInfo r : placement) {
        RankVerticle rv = new RankVerticle();
        rvs.add(rv);
        deployed.add(vertx.deployVerticle(rv, new DeploymentOptions().setConfig(AlltoallvRankCommand.rankConfig(
            topology.toJson(), r, timeoutMs, progressSpinUs))));
      }
      Future.all(deployed).await(timeoutMs, TimeUnit.MILLISECONDS);
      List<CompletableFuture<JsonObject>> runs = new ArrayList<>();
      for (int i = 0; i < placement.length; i++) {
        RankVerticle rv = rvs.get(i);
        RankInfo me = placement[i];
        long progress = AlltoallvRank.progressThreadId(rv.engine(), timeoutMs);
        runs.add(CompletableFuture.supplyAsync(() -> {
          try {
            CpuClock cpu = CpuClock.threads(Thread.currentThread().getId(), progress);
            return new AlltoallvRank(rv.engine(), rv.client(), me, plan, timeoutMs).run(warmup, iterations, cpu, null);
          } catch (Exception e) {
            throw new IllegalStateException("rank " + me.rank() + ": " + e.getMessage(), e);
          }
        }, r -> new Thread(r, "alltoallv-rank-" + me.rank()).start()));
      }
      List<JsonObject> out = new ArrayList<>();
      for (CompletableFuture<JsonObject> f : runs) {
        out.add(f.get(timeoutMs, TimeUnit.MILLISECONDS));
      }
      return out;
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  /**
   * One JVM per service process and per rank ({@code offload alltoallv-rank}), with the engines'
   * spin window as given (not {@code demo --processes}' oversubscription policy: that one would
   * change the baseline being measured); they compile sooner ({@link ProcessJob#COMPILE_SOONER}).
   */
  private List<JsonObject> runProcesses(Topology topology, RankInfo[] placement) throws Exception {
    Path file = Files.createTempFile("offload-alltoallv-topology", ".json");
    Files.writeString(file, topology.toJson().encodePrettily());
    file.toFile().deleteOnExit();
    try (ProcessJob job = new ProcessJob(timeoutMs).spinMicros(progressSpinUs).jvmFlags(ProcessJob.COMPILE_SOONER)) {
      List<CompletableFuture<Integer>> ports = new ArrayList<>();
      for (ServiceProcessSpec sp : topology.serviceProcesses()) {
        ports.add(job.startServiceProcess(file, sp.globalId(), (context, phase) -> { }));
      }
      for (CompletableFuture<Integer> p : ports) {
        p.get(timeoutMs, TimeUnit.MILLISECONDS);
      }
      List<CompletableFuture<JsonObject>> runs = new ArrayList<>();
      for (RankInfo r : placement) {
        runs.add(job.startRank(r, List.of("alltoallv-rank", "--topology", file.toString(), "--bytes",
            String.valueOf(bytes), "--iterations", String.valueOf(iterations), "--warmup", String.valueOf(warmup),
            "--seed", String.valueOf(seed), "--timeout", String.valueOf(timeoutMs)), job.idlePolicy()));
      }
      List<JsonObject> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      for (CompletableFuture<JsonObject> f : runs) {
        out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      job.terminateAll(30, TimeUnit.SECONDS);
      return out;
    }
  }
}
