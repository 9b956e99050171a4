package io.offload.cli;

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

/** {@code offload rank}: bootstrap one rank, do K round trips, print a summary, finalize. */
@Command(name = "rank", mixinStandardHelpOptions = true,
    description = {"Run one rank against its service process: bootstrap, K notification round trips, summary. "
        + "Rank identity comes from the options, else from OMPI_COMM_WORLD_*, PMI_*, SLURM_* variables.",
        "Precedence: options > environment > file. --topology defaults to OFFLOAD_CONFIG_FILE_PATH (or "
        + "DPU_OFFLOAD_CONFIG_FILE_PATH); with neither a file nor --connect, DPU_OFFLOAD_SERVER_ADDR and "
        + "DPU_OFFLOAD_SERVER_PORT say where to connect. --local-rank: OMPI_COMM_WORLD_LOCAL_RANK, MPI_LOCALRANKID, "
        + "PMI_LOCAL_RANK, SLURM_LOCALID; --local-size: OMPI_COMM_WORLD_LOCAL_SIZE, MPI_LOCALNRANKS, PMI_LOCAL_SIZE, "
        + "SLURM_STEP_TASKS_PER_NODE / SLURM_TASKS_PER_NODE at SLURM_NODEID; --host-id: SLURM_NODEID, else the "
        + "file's host named after this machine."})
final class RankCommand implements Callable<Integer> {

  /** Largest --payload and --notifications: the rank verticle's limits. */
  static final int MAX_PAYLOAD = RankVerticle.MAX_PAYLOAD_BYTES;
  static final int MAX_NOTIFICATIONS = RankVerticle.MAX_NOTIFICATIONS;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--connect", paramLabel = "HOST:PORT", description = "The service process (default, when no "
      + "topology file is given either: DPU_OFFLOAD_SERVER_ADDR:DPU_OFFLOAD_SERVER_PORT).")
  String connect;

  @Option(names = "--topology", paramLabel = "FILE", description = "Topology file, JSON or a platform file starting "
      + "'# Format version: 1' (default: OFFLOAD_CONFIG_FILE_PATH): connect to the service process "
      + "that serves this rank (local rank %% service processes of host --host-id), wait for the whole group in the "
      + "cache and report its size.")
  Path topology;

  @Option(names = "--cache-timeout", defaultValue = "60000", description = "With --topology: give up waiting for the "
      + "group cache after this many ms (default: ${DEFAULT-VALUE}).")
  long cacheTimeoutMs;

  @Mixin
  RankIdentity identity;

  @Option(names = "--notifications", defaultValue = "100", description = "Echo round trips (default: ${DEFAULT-VALUE}).")
  int notifications;

  @Option(names = "--payload", defaultValue = "8", description = "Payload bytes per notification (default: ${DEFAULT-VALUE}).")
  int payload;

  @Option(names = "--connect-timeout", defaultValue = "30000", description = "Give up connecting after this many ms "
      + "(default: ${DEFAULT-VALUE}).")
  long connectTimeoutMs;

  @Option(names = "--secret-file", description = "File holding the shared secret.")
  Path secretFile;

  @Option(names = "--heartbeat-ms", description = "OOB heartbeat interval in ms; a peer silent for 5 intervals is "
      + "declared lost (default: the engine's, 1000).")
  Long heartbeatMs;

  @Option(names = "--handshake-timeout", paramLabel = "MS", description = "Give up a bootstrap not done this many ms "
      + "after connecting (default: 10000).")
  Long handshakeTimeoutMs;

  @Mixin
  SpinWindow spin;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Option(names = "--verbose", description = "Log every phase change.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    Logging.setVerbose(verbose);
    Usage.range(spec, "--notifications", notifications, 0, MAX_NOTIFICATIONS);
    Usage.range(spec, "--payload", payload, 0, MAX_PAYLOAD);
    Usage.range(spec, "--connect-timeout", connectTimeoutMs, 1, Long.MAX_VALUE);
    Usage.range(spec, "--cache-timeout", cacheTimeoutMs, 1, Long.MAX_VALUE);
    if (heartbeatMs != null) {
      Usage.range(spec, "--heartbeat-ms", heartbeatMs, 1, Long.MAX_VALUE);
    }
    spin.check();
    LauncherEnv env = new LauncherEnv(System.getenv());
    if (connect == null && topology == null) {
      topology = env.configFile().orElse(null);
      connect = topology == null ? env.serverToConnect().orElse(null) : null;
    }
    JsonObject client = clientConfig(env);
    JsonObject conf = new JsonObject().put("client", client).put("notifications", notifications)
        .put("engine", spin.applyTo(ServiceCommand.heartbeat(new JsonObject(), heartbeatMs)))
        .put("payloadBytes", payload);
    if (topology != null) {
      conf.put("topology", topology.toString()).put("cacheTimeoutMs", cacheTimeoutMs);
    }
    Vertx vertx = CliVertx.forOneConnection();
    try {
      RankVerticle rv = new RankVerticle();
      String deployment = vertx.deployVerticle(rv, new DeploymentOptions().setConfig(conf))
          .await(connectTimeoutMs + 60_000, TimeUnit.MILLISECONDS);
      JsonObject summary = rv.summary();
      vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
      System.out.println(json ? summary.encode() : text(summary));
      return OffloadCli.OK;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  JsonObject clientConfig(LauncherEnv env) {
    if ((connect == null) == (topology == null)) {
      throw Usage.error(spec, "give exactly one of --connect HOST:PORT and --topology FILE (or set "
          + "OFFLOAD_CONFIG_FILE_PATH, or DPU_OFFLOAD_SERVER_ADDR and DPU_OFFLOAD_SERVER_PORT)");
    }
    Object[] hostPort = connect == null ? null : Usage.hostPort(spec, "--connect", connect);
    JsonObject client = new JsonObject().put("connectTimeoutMs", connectTimeoutMs);
    if (handshakeTimeoutMs != null) {
      Usage.range(spec, "--handshake-timeout", handshakeTimeoutMs, 1, Integer.MAX_VALUE);
      client.put("handshakeTimeoutMs", handshakeTimeoutMs);
    }
    client.put("rank", identity.resolve(env, topology));
    if (connect != null) {
      client.put("host", hostPort[0]).put("port", hostPort[1]);
    }
    String secret = Secrets.read(secretFile);
    return secret == null ? client : client.put("secret", secret);
  }



  private static String text(JsonObject s) {
    return String.format("rank %d of group %d: BOOTSTRAP_DONE in %.1f ms (client id %d, service process %d); "
            + "%d round trips p50 %s us p99 %s us", s.getInteger("rank"), s.getInteger("group"),
        s.getDouble("bootstrapMs"), s.getInteger("clientId"), s.getInteger("serviceProcess"),
        s.getInteger("notifications"), s.getValue("rttP50Us", "-"), s.getValue("rttP99Us", "-"))
        + (s.containsKey("cacheEntries") ? String.format("; cache: %d entries in %.1f ms, digest %s",
            s.getInteger("cacheEntries"), s.getDouble("cacheMs"), s.getString("cacheDigest")) : "");
  }
}
