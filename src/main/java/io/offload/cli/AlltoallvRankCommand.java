package io.offload.cli;

import io.offload.topology.RankInfo;
import io.offload.topology.Topology;
import io.offload.verticles.RankVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code offload alltoallv-rank} (hidden): one rank of {@code offload alltoallv --processes}; prints its JSON line. */
@Command(name = "alltoallv-rank", hidden = true, mixinStandardHelpOptions = true,
    description = "One rank of 'offload alltoallv --processes' (started by it).")
final class AlltoallvRankCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--topology", required = true, paramLabel = "FILE", description = "Topology file.")
  Path topology;

  @Mixin
  RankIdentity identity;

  @Option(names = "--bytes", required = true)
  int bytes;

  @Option(names = "--iterations", required = true)
  int iterations;

  @Option(names = "--warmup", required = true)
  int warmup;

  @Option(names = "--seed", required = true)
  long seed;

  @Option(names = "--timeout", defaultValue = "300000", paramLabel = "MS")
  long timeoutMs;

  @Mixin
  SpinWindow spin;

  /** A rank verticle's config: bootstrap with the topology, wait for the whole group, no echo round trips. */
  static JsonObject rankConfig(JsonObject topology, RankInfo r, long timeoutMs) {
    return rankConfig(topology, r, timeoutMs, null);
  }

  /** As above, with {@code --progress-spin-us} (null: the engine's default). */
  static JsonObject rankConfig(JsonObject topology, RankInfo r, long timeoutMs, Long progressSpinUs) {
    return new JsonObject().put("engine", SpinWindow.apply(new JsonObject().put("name", "rank" + r.rank()),
            progressSpinUs))
        .put("topology", topology).put("cacheTimeoutMs", timeoutMs)
        .put("client", new JsonObject().put("connectTimeoutMs", timeoutMs).put("rank", new JsonObject()
            .put("groupId", r.groupId()).put("rank", r.rank()).put("groupSize", r.groupSize())
            .put("localRank", r.localRank()).put("localSize", r.localSize()).put("hostId", r.hostId())));
  }

  @Override
  public Integer call() throws Exception {
    spin.check();
    RankInfo me = new RankInfo(identity.resolve(new LauncherEnv(System.getenv()), topology));
    Vertx vertx = CliVertx.forOneConnection();
    try {
      RankVerticle rv = new RankVerticle();
      String id = vertx.deployVerticle(rv, new DeploymentOptions().setConfig(rankConfig(
          Topology.read(topology).toJson(), me, timeoutMs, spin.micros))).await(timeoutMs, TimeUnit.MILLISECONDS);
      AlltoallvPlan plan = new AlltoallvPlan(me.groupSize(), bytes, seed);
      long progress = AlltoallvRank.progressThreadId(rv.engine(), timeoutMs);
      JsonObject result = new AlltoallvRank(rv.engine(), rv.client(), me, plan, timeoutMs)
          .run(warmup, iterations, CpuClock.threads(Thread.currentThread().getId(), progress), CpuClock.process());
      System.out.println(result.encode());
      System.out.flush();
      vertx.undeploy(id).await(30, TimeUnit.SECONDS);
      return OffloadCli.OK;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
