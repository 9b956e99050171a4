package io.offload.verticles;

import io.offload.mesh.ServiceMesh;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.job.Job;
import io.offload.notify.NotificationConsumer;
import io.offload.ops.CollectiveOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A service process: an engine with one server context that ranks bootstrap against. It echoes
 * {@link Echo#TYPE} notifications back to their sender, from the UCX progress thread (no hop).
 *
 * <p>Config (see {@code verticles/service-process.json}): {@code engine} ({@link EngineOptions}
 * JSON) and {@code server} ({@link ServerOptions} JSON). Undeploying finalizes everything.
 *
 * <p>With a topology ({@code verticles/service-process-topology.json}): {@code topology} (a file
 * path or the JSON itself) and {@code serviceProcessId} (its global id). The server then listens
 * on the rank port of that service process ({@code server} may still set the secret, maxPeers,
 * ...), and the verticle joins the inter-service-process mesh ({@link ServiceMesh}, clients
 * retrying for {@code meshConnectTimeoutMs}, default 120000). {@code memoryRegionBytes} (default
 * 0: none) registers a region with UCX and publishes it in the group cache. A lost mesh link
 * is re-established while the verticle runs (see {@link ServiceMesh}).
 *
 * <p>{@code job} (default 0: none) makes the service process serve one job of that many ranks
 * ({@link OffloadEngine#job}; {@link #job()}): its {@link Job#over()} says when the job is over,
 * agreed over the mesh. The verticle keeps running: whoever deployed it decides (the CLI's
 * {@code offload service --job N} closes and exits).
 *
 * <p>It serves the offloaded collectives ({@code engine.operations().serveCollectives}) with
 * {@code collectives} ({@link CollectiveOptions} JSON, or {@code true}, the default: default options);
 * {@code false} serves none.
 *
 * <p>{@code report} (default false; true in {@code verticles/*.json}, for the standard Vert.x
 * launcher) prints {@code service process N listening HOST:PORT} on stdout once it listens.
 */
public class ServiceProcessVerticle extends VerticleBase {

  private OffloadEngine engine;
  private ExecutionContext server;
  private ServiceMesh mesh;
  private ByteBuffer region;
  private Job job;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    EngineOptions engineOptions = new EngineOptions(conf.getJsonObject("engine", new JsonObject()));
    ServerOptions serverOptions = new ServerOptions(conf.getJsonObject("server", new JsonObject()));
    Topology topology = TopologyConfig.of(conf);
    int id = conf.getInteger("serviceProcessId", serverOptions.getServiceProcessId());
    if (topology != null) {
      ServiceProcessSpec me = topology.serviceProcess(id);
      serverOptions.setHost(me.address()).setPort(me.rankPort()).setServiceProcessId(id);
    }
    int regionBytes = conf.getInteger("memoryRegionBytes", 0);
    if (regionBytes < 0) {
      throw new IllegalArgumentException("memoryRegionBytes must be >= 0 (0: none), got " + regionBytes);
    }
    CollectiveOptions collectives = collectives(conf.getValue("collectives", Boolean.TRUE));
    Duration meshTimeout = Duration.ofMillis(conf.getLong("meshConnectTimeoutMs",
        ServiceMesh.DEFAULT_CONNECT_TIMEOUT.toMillis()));
    int jobRanks = conf.getInteger("job", 0);
    if (jobRanks < 0) {
      throw new IllegalArgumentException("job must be >= 1 ranks (0: no job), got " + jobRanks);
    }
    return OffloadEngine.create(vertx, engineOptions)
        .compose(e -> {
          engine = e;
          if (collectives != null) {
            e.operations().serveCollectives(collectives);
          }
          // before any rank can connect: every one counts
          job = jobRanks > 0 ? e.job(jobRanks, topology == null ? 1 : topology.serviceProcessCount()) : null;
          return startEcho(e);
        })
        .compose(v -> engine.listen(serverOptions))
        .compose(s -> {
          server = s;
          return regionBytes > 0 ? engine.cache().exposeMemory(regionBytes).map(b -> region = b) : Future.succeededFuture();
        })
        .compose(v -> topology == null ? Future.succeededFuture()
            : ServiceMesh.start(engine, topology, id, serverOptions.getSecret(), meshTimeout).map(m -> mesh = m))
        .onSuccess(v -> {
          if (job != null && mesh != null) {
            job.over().onSuccess(s -> mesh.close()); // the job is over: its peers are ending, do not call them back
          }
        })
        .onSuccess(v -> {
          if (conf.getBoolean("report", false)) {
            System.out.println("service process " + id + " listening " + serverOptions.getHost() + ":"
                + server.localPort());
            System.out.flush();
          }
        });
  }

  /** {@code collectives}: options JSON, {@code true} (the defaults) or {@code false} (none). */
  private static CollectiveOptions collectives(Object conf) {
    if (conf instanceof JsonObject j) {
      return new CollectiveOptions(j);
    }
    if (conf instanceof Boolean b) {
      return b ? new CollectiveOptions() : null;
    }
    throw new IllegalArgumentException("collectives must be CollectiveOptions JSON, true or false, got " + conf);
  }

  /** Registers the echo consumer on the UCX context, before any peer can send. */
  private Future<Void> startEcho(OffloadEngine e) {
    Promise<Void> registered = Promise.promise();
    e.ucxContext().runOnContext(v -> {
      NotificationConsumer c = e.consumer(Echo.TYPE, n -> {
        if (!n.context().isClosed()) {
          n.context().notify(n.peerId(), Echo.TYPE, n.payload());
        }
      });
      c.completion().onComplete(registered);
    });
    return registered.future();
  }

  @Override
  public Future<?> stop() {
    if (mesh != null) {
      mesh.close();
    }
    return engine == null ? Future.succeededFuture() : engine.close();
  }

  /** The job this service process serves ({@code job} in the config), or null. */
  public Job job() {
    return job;
  }

  public OffloadEngine engine() {
    return engine;
  }

  /** The mesh links, when started with a topology; else null. */
  public ServiceMesh mesh() {
    return mesh;
  }

  /** The memory region published in the cache ({@code memoryRegionBytes}), or null. */
  public ByteBuffer region() {
    return region;
  }

  /** The server context, once started. */
  public ExecutionContext server() {
    return server;
  }
}
