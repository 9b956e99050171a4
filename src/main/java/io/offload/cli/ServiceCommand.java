package io.offload.cli;

import io.offload.cache.GroupCache;
import io.offload.cache.Topology;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;

/** {@code offload service}: one service process, until SIGTERM/SIGINT. */
@Command(name = "service", mixinStandardHelpOptions = true,
    description = "Run one service process. Prints 'listening HOST:PORT' once ready; "
        + "SIGTERM/SIGINT finalize every context and exit 0.")
final class ServiceCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--port", description = "Port for ranks; 0 picks a free one (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int port;

  @Option(names = "--id", description = "Global id of this service process (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int id;

  @Option(names = "--topology", paramLabel = "FILE", description = "Topology file (JSON, see verticles/topology-2hosts"
      + ".json): listen on the rank port of service process --id, join the inter-service-process mesh. "
      + "--host/--port are then taken from the file.")
  Path topology;

  @Option(names = "--memory-region", paramLabel = "BYTES", defaultValue = "0", description = "Register a memory "
      + "region of this size with UCX and publish it in the group cache (default: none).")
  int memoryRegion;

  @Option(names = "--report-group", paramLabel = "G", defaultValue = "0", description = "Print one 'cache group G "
      + "complete' line (entries, digest) when the group is whole here (default: ${DEFAULT-VALUE}).")
  int reportGroup;

  @Option(names = "--secret-file", description = "File holding the shared secret ranks must prove.")
  Path secretFile;

  @Option(names = "--metrics-port", description = "Serve Prometheus metrics on http://HOST:PORT/metrics.")
  Integer metricsPort;

  @Option(names = "--heartbeat-ms", description = "OOB heartbeat interval in ms; a peer silent for 5 intervals is "
      + "declared lost (default: the engine's, 1000).")
  Long heartbeatMs;

  @Option(names = "--handshake-timeout", paramLabel = "MS", description = "Drop a rank not bootstrapped this many ms "
      + "after it connected (default: 10000).")
  Long handshakeTimeoutMs;

  @Option(names = "--verbose", description = "Log every phase change.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    Logging.setVerbose(verbose);
    if (port < 0 || port > 65535) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port must be in [0, 65535], got " + port);
    }
    JsonObject server = new JsonObject().put("host", host).put("port", port).put("serviceProcessId", id);
    String secret = Secrets.read(secretFile);
    if (secret != null) {
      server.put("secret", secret);
    }
    if (handshakeTimeoutMs != null) {
      if (handshakeTimeoutMs < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--handshake-timeout must be >= 1, got "
            + handshakeTimeoutMs);
      }
      server.put("handshakeTimeoutMs", handshakeTimeoutMs);
    }
    JsonObject conf = new JsonObject().put("engine", heartbeat(new JsonObject().put("name", "sp" + id), heartbeatMs))
        .put("server", server)
        .put("memoryRegionBytes", memoryRegion);
    String listenHost = host;
    if (topology != null) {
      Topology topo = Topology.read(topology);
      if (id < 0 || id >= topo.serviceProcessCount()) {
        throw new ConfigException(topology + ": no service process " + id + " (the file has "
            + topo.serviceProcessCount() + ")");
      }
      listenHost = topo.serviceProcess(id).address();
      conf.put("topology", topology.toString()).put("serviceProcessId", id);
    }
    Vertx vertx = metricsPort == null ? Vertx.vertx() : MetricsEndpoint.vertxWithPrometheus(host, metricsPort);
    ServiceProcessVerticle sp = new ServiceProcessVerticle();
    try {
      vertx.deployVerticle(sp, new DeploymentOptions().setConfig(conf)).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    System.out.println("listening " + listenHost + ":" + sp.server().localPort());
    System.out.flush();
    GroupCache cache = sp.engine().cache();
    cache.whenComplete(reportGroup).onSuccess(v -> {
      System.out.println("cache group " + reportGroup + " complete: " + cache.knownMembers(reportGroup)
          + " entries, digest " + cache.digest(reportGroup));
      System.out.flush();
    });
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean();
    Signals.onTermination(() -> {
      if (once.compareAndSet(false, true)) {
        vertx.close().onComplete(v -> stopped.countDown());
      }
    });
    stopped.await();
    return OffloadCli.OK;
  }

  /** Engine JSON with the heartbeat fields when {@code --heartbeat-ms} was given. */
  static JsonObject heartbeat(JsonObject engine, Long heartbeatMs) {
    if (heartbeatMs != null) {
      if (heartbeatMs < 1) {
        throw new ConfigException("--heartbeat-ms must be >= 1, got " + heartbeatMs);
      }
      engine.put("heartbeatIntervalMs", heartbeatMs).put("heartbeatTimeoutMs", 5 * heartbeatMs);
    }
    return engine;
  }
}
