package io.offload.cli;

import io.offload.cache.Topology;
import io.offload.verticles.RankVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code offload rank}: bootstrap one rank, do K round trips, print a summary, finalize. */
@Command(name = "rank", mixinStandardHelpOptions = true,
    description = "Run one rank against its service process: bootstrap, K notification round trips, summary. "
        + "Rank identity comes from the options, else from OMPI_COMM_WORLD_*, PMI_*, SLURM_* variables.")
final class RankCommand implements Callable<Integer> {

  @Option(names = "--connect", paramLabel = "HOST:PORT", description = "The service process.")
  String connect;

  @Option(names = "--topology", paramLabel = "FILE", description = "Topology file: connect to the service process "
      + "that serves this rank (local rank % service processes of host --host-id), wait for the whole group in the "
      + "cache and report its size.")
  Path topology;

  @Option(names = "--cache-timeout", defaultValue = "60000", description = "With --topology: give up waiting for the "
      + "group cache after this many ms (default: ${DEFAULT-VALUE}).")
  long cacheTimeoutMs;

  @Option(names = "--group", defaultValue = "0", description = "Group id (default: ${DEFAULT-VALUE}).")
  int group;

  @Option(names = "--rank", description = "Rank in the group.")
  Integer rank;

  @Option(names = "--size", description = "Group size.")
  Integer size;

  @Option(names = "--local-rank", description = "Rank among this host's processes.")
  Integer localRank;

  @Option(names = "--local-size", description = "Number of the group's processes on this host.")
  Integer localSize;

  @Option(names = "--host-id", description = "Id of this host: its index in the topology file. Default: with "
      + "--topology, the one host whose name or address is this machine's (or the only host); else 0.")
  Integer hostId;

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

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Option(names = "--verbose", description = "Log every phase change.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    Logging.setVerbose(verbose);
    JsonObject client = clientConfig(new LauncherEnv(System.getenv()));
    JsonObject conf = new JsonObject().put("client", client).put("notifications", notifications)
        .put("engine", ServiceCommand.heartbeat(new JsonObject(), heartbeatMs))
        .put("payloadBytes", payload);
    if (topology != null) {
      conf.put("topology", topology.toString()).put("cacheTimeoutMs", cacheTimeoutMs);
    }
    Vertx vertx = Vertx.vertx();
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
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "give exactly one of --connect HOST:PORT and --topology FILE");
    }
    int colon = connect == null ? -1 : connect.lastIndexOf(':');
    if (connect != null && colon <= 0) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--connect must be HOST:PORT, got '" + connect + "'");
    }
    int r = rank != null ? rank : env.rank().orElseThrow(() -> new ConfigException(
        "no rank: pass --rank or run under a launcher that sets OMPI_COMM_WORLD_RANK, PMI_RANK or SLURM_PROCID"));
    int s = size != null ? size : env.size().orElse(r + 1);
    int lr = localRank != null ? localRank : env.localRank().orElse(r);
    int ls = localSize != null ? localSize : env.localSize().orElse(Math.max(s, lr + 1));
    JsonObject client = new JsonObject().put("connectTimeoutMs", connectTimeoutMs);
    if (handshakeTimeoutMs != null) {
      if (handshakeTimeoutMs < 1) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--handshake-timeout must be >= 1, "
            + "got " + handshakeTimeoutMs);
      }
      client.put("handshakeTimeoutMs", handshakeTimeoutMs);
    }
    client
        .put("rank", new JsonObject().put("groupId", group).put("rank", r).put("groupSize", s)
            .put("localRank", lr).put("localSize", ls).put("hostId", hostId()));
    if (connect != null) {
      client.put("host", connect.substring(0, colon)).put("port", Integer.parseInt(connect.substring(colon + 1)));
    }
    String secret = Secrets.read(secretFile);
    return secret == null ? client : client.put("secret", secret);
  }

  /** --host-id, else this machine's host in the topology file, else 0. */
  private int hostId() {
    if (hostId != null) {
      return hostId;
    }
    if (topology == null) {
      return 0;
    }
    Topology topo = Topology.read(topology); // fails early, with the file's own error
    if (topo.hosts().size() == 1) {
      return 0;
    }
    Set<String> me = new HashSet<>();
    try {
      me.add(InetAddress.getLocalHost().getHostName());
      me.add(InetAddress.getLocalHost().getCanonicalHostName());
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        Collections.list(nif.getInetAddresses()).forEach(a -> me.add(a.getHostAddress()));
      }
    } catch (IOException e) {
      throw new ConfigException("cannot tell which host of " + topology + " this is (" + e.getMessage()
          + "): pass --host-id");
    }
    List<Integer> ids = topo.hostsMatching(me);
    if (ids.size() != 1) {
      throw new ConfigException((ids.isEmpty() ? "no" : "more than one") + " host of " + topology
          + " matches this machine's names and addresses " + ids + ": pass --host-id");
    }
    return ids.get(0);
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
