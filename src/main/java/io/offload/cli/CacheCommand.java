package io.offload.cli;

import io.offload.cache.CacheDump;
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

/**
 * {@code offload cache}: bootstrap one rank through the topology, wait until its group is whole
 * in the cache, and print every lookup's answer ({@link CacheDump}) as one JSON object.
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "Bootstrap one rank (as offload rank --topology), wait for its group in the cache, and print "
        + "every query's answer for every group, rank, host and service process as one JSON object.")
final class CacheCommand implements Callable<Integer> {

  @Option(names = "--topology", required = true, paramLabel = "FILE", description = "Topology file.")
  Path topology;

  @Mixin
  RankIdentity identity;

  @Option(names = "--cache-timeout", defaultValue = "60000", description = "Give up waiting for the group after this "
      + "many ms (default: ${DEFAULT-VALUE}).")
  long cacheTimeoutMs;

  @Option(names = "--connect-timeout", defaultValue = "30000", description = "Give up connecting after this many ms "
      + "(default: ${DEFAULT-VALUE}).")
  long connectTimeoutMs;

  @Option(names = "--secret-file", description = "File holding the shared secret.")
  Path secretFile;

  @Option(names = "--json", description = "Print JSON (the only format; accepted for symmetry with offload rank).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    JsonObject client = new JsonObject().put("connectTimeoutMs", connectTimeoutMs)
        .put("rank", identity.resolve(new LauncherEnv(System.getenv()), topology));
    String secret = Secrets.read(secretFile);
    if (secret != null) {
      client.put("secret", secret);
    }
    JsonObject conf = new JsonObject().put("client", client)
        .put("notifications", 0).put("topology", topology.toString()).put("cacheTimeoutMs", cacheTimeoutMs);
    Topology topo = Topology.read(topology);
    Vertx vertx = CliVertx.forOneConnection();
    try {
      RankVerticle rv = new RankVerticle();
      String deployment = vertx.deployVerticle(rv, new DeploymentOptions().setConfig(conf))
          .await(connectTimeoutMs + cacheTimeoutMs + 30_000, TimeUnit.MILLISECONDS);
      JsonObject dump = CacheDump.of(rv.engine().cache(), topo.serviceProcessCount() - 1)
          .put("rank", rv.summary().getInteger("rank")).put("serviceProcess", rv.summary().getInteger("serviceProcess"));
      vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
      System.out.println(dump.encode());
      return OffloadCli.OK;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
