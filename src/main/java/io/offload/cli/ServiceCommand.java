package io.offload.cli;

import io.offload.cache.GroupCache;
import io.offload.job.Job;
import io.offload.job.JobStatus;
import io.offload.topology.Topology;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Callable;

/** {@code offload service}: one service process, until SIGTERM/SIGINT, or until its job is over ({@code --job}). */
@Command(name = "service", mixinStandardHelpOptions = true,
    description = {"Run one service process. Prints 'listening HOST:PORT' once ready; "
        + "SIGTERM/SIGINT finalize every context and exit 0. With --job N it ends with its job: once N ranks "
        + "bootstrapped (over the whole mesh) and every one left, it prints 'job over: ...', tells its mesh peers, "
        + "finalizes and exits 0, or 6 if a rank was lost instead of finalizing. A lost mesh link is re-established "
        + "(a service process restarted on its address rejoins).",
        "Precedence: options > environment > file. Environment (the C original's launch model): "
        + "OFFLOAD_CONFIG_FILE_PATH (or DPU_OFFLOAD_CONFIG_FILE_PATH) = --topology; "
        + "DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID = --id; DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID and "
        + "DPU_OFFLOAD_SERVICE_PROCS_PER_DPU (or _PROCESSES_PER_DPU) are checked against the file; "
        + "DPU_OFFLOAD_LIST_DPUS keeps only those DPUs of a platform file; without a file, "
        + "DPU_OFFLOAD_SERVER_ADDR / DPU_OFFLOAD_SERVER_PORT = --host / --port. From a platform file with "
        + "no id given, the DPU named after this machine runs service process LOCAL_ID (default 0)."})
final class ServiceCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", description = "Address to bind (default: DPU_OFFLOAD_SERVER_ADDR, else 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "Port for ranks; 0 picks a free one (default: DPU_OFFLOAD_SERVER_PORT, "
      + "else 0).")
  Integer port;

  @Option(names = "--id", description = "Global id of this service process (default: "
      + "DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID, else from a platform file, else 0).")
  Integer id;

  @Option(names = "--topology", paramLabel = "FILE", description = "Topology file (JSON, see verticles/topology-2hosts"
      + ".json, or a platform file starting '# Format version: 1'; default: OFFLOAD_CONFIG_FILE_PATH): listen on "
      + "the rank port of service process --id, join the inter-service-process mesh. "
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

  @Option(names = "--metrics-port", description = "Serve Prometheus metrics on http://HOST:PORT/metrics (printed "
      + "at start as 'metrics URL'; a port in use exits 5).")
  Integer metricsPort;

  @Option(names = "--heartbeat-ms", description = "OOB heartbeat interval in ms; a peer silent for 5 intervals is "
      + "declared lost (default: the engine's, 1000).")
  Long heartbeatMs;

  @Option(names = "--handshake-timeout", paramLabel = "MS", description = "Drop a rank not bootstrapped this many ms "
      + "after it connected (default: 10000).")
  Long handshakeTimeoutMs;

  @Option(names = "--job", paramLabel = "N", description = "Serve one job of N ranks in all (the launcher's -np; "
      + "with a topology, over every service process of the mesh; give each the same N), then exit: 0 when every "
      + "rank finalized, 6 when one was lost. Default: run until SIGTERM.")
  Integer job;

  @Mixin
  SpinWindow spin;

  @Option(names = "--verbose", description = "Log every phase change.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    Logging.setVerbose(verbose);
    // option values first (exit 2), then the identity from options, environment and file
    if (port != null) {
      Usage.range(spec, "--port", port, 0, 65535);
    }
    if (id != null) {
      Usage.range(spec, "--id", id, 0, Integer.MAX_VALUE);
    }
    Usage.range(spec, "--memory-region", memoryRegion, 0, Integer.MAX_VALUE);
    Usage.range(spec, "--report-group", reportGroup, 0, Integer.MAX_VALUE);
    if (metricsPort != null) {
      Usage.range(spec, "--metrics-port", metricsPort, 1, 65535);
    }
    if (heartbeatMs != null) {
      Usage.range(spec, "--heartbeat-ms", heartbeatMs, 1, Long.MAX_VALUE);
    }
    spin.check();
    if (job != null) {
      Usage.range(spec, "--job", job, 1, Integer.MAX_VALUE);
    }
    LauncherEnv env = new LauncherEnv(System.getenv());
    ServiceIdentity me = ServiceIdentity.resolve(topology, id, env, Hosts.thisHostName());
    topology = me.topology();
    id = me.globalId();
    host = host != null ? host : env.serverAddress().orElse("127.0.0.1");
    port = port != null ? port : env.serverPort().orElse(0); // the environment's is checked by LauncherEnv
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
    JsonObject conf = new JsonObject().put("engine", spin.applyTo(heartbeat(new JsonObject().put("name", "sp" + id),
        heartbeatMs)))
        .put("server", server)
        .put("memoryRegionBytes", memoryRegion);
    if (job != null) {
      conf.put("job", job);
    }
    String listenHost = host;
    if (topology != null) {
      Topology topo = Topology.read(topology);
      listenHost = topo.serviceProcess(id).address();
      conf.put("topology", topology.toString()).put("serviceProcessId", id);
    }
    Vertx vertx = metricsPort == null ? CliVertx.create() : MetricsEndpoint.vertxWithPrometheus();
    ServiceProcessVerticle sp = new ServiceProcessVerticle();
    try {
      if (metricsPort != null) {
        System.out.println("metrics " + MetricsEndpoint.serve(vertx, listenHost, metricsPort));
        System.out.flush();
      }
      vertx.deployVerticle(sp, new DeploymentOptions().setConfig(conf)).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      throw e;
    }
    // before 'listening': whoever waits for that line may send SIGTERM right after it
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean();
    AtomicInteger exitCode = new AtomicInteger(OffloadCli.OK);
    Runnable stop = () -> {
      if (once.compareAndSet(false, true)) {
        vertx.close().onComplete(v -> stopped.countDown());
      }
    };
    Signals.onTermination(stop);
    System.out.println("listening " + listenHost + ":" + sp.server().localPort());
    System.out.flush();
    GroupCache cache = sp.engine().cache();
    cache.whenComplete(reportGroup).onSuccess(v -> {
      System.out.println("cache group " + reportGroup + " complete: " + cache.knownMembers(reportGroup)
          + " entries, digest " + cache.digest(reportGroup));
      System.out.flush();
    });
    Job served = sp.job();
    if (served != null) {
      served.over().onSuccess(s -> {
        if (!s.over()) {
          return; // the engine closed first (SIGTERM): that exit stands
        }
        System.out.println(overLine(s));
        System.out.flush();
        exitCode.set(s.clean() ? OffloadCli.OK : OffloadCli.JOB_RANKS_LOST);
        stop.run();
      });
    }
    stopped.await();
    return exitCode.get();
  }

  /** {@code job over: 4 of 4 ranks bootstrapped, 4 finalized, 0 lost (told by service process 0)}. */
  static String overLine(JobStatus s) {
    return "job over: " + s.bootstrapped() + " of " + s.ranks() + " ranks bootstrapped, " + s.finalized()
        + " finalized, " + s.lost() + " lost" + (s.toldBy() >= 0 ? " (told by service process " + s.toldBy() + ")" : "");
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
