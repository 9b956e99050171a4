package io.offload.mesh;

import io.offload.cache.GroupCache;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.Scope;
import io.offload.context.ServerOptions;
import io.offload.engine.OffloadEngine;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One service process's part of the inter-service-process mesh, from a {@link Topology}: a
 * server (scope {@code INTER_SERVICE}) on its mesh port for the service processes with lower
 * global ids, and a client to each one with a higher id. Clients retry with backoff until
 * {@code connectTimeout}, so the mesh comes up whatever the start order. Over these links the
 * engines' {@link GroupCache}s exchange their entries.
 *
 * <p>Thread safety: start from any thread; the futures complete on the caller's context.
 */
public final class ServiceMesh {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMesh.class);

  /** How long a mesh client keeps trying to reach a higher service process. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMinutes(2);

  private final ExecutionContext server;
  private final Future<List<ExecutionContext>> clients;

  private ServiceMesh(ExecutionContext server, Future<List<ExecutionContext>> clients) {
    this.server = server;
    this.clients = clients;
  }

  /**
   * Starts the mesh links of service process {@code id} of {@code topology} on {@code engine}.
   * Completes once its mesh server listens; the clients connect in the background
   * ({@link #clientsConnected()}).
   *
   * @param secret shared secret of the mesh links, or null
   */
  public static Future<ServiceMesh> start(OffloadEngine engine, Topology topology, int id, String secret,
      Duration connectTimeout) {
    ServiceProcessSpec me = topology.serviceProcess(id);
    int onHost = topology.host(me.hostId()).serviceProcesses().size();
    ServerOptions serverOptions = new ServerOptions().setHost(me.address()).setPort(me.meshPort())
        .setScope(Scope.INTER_SERVICE).setServiceProcessId(id)
        .setMaxPeers(Math.max(1, topology.serviceProcessCount())).setSecret(secret);
    return engine.listen(serverOptions).map(server -> {
      List<Future<ExecutionContext>> links = new ArrayList<>();
      RankInfo self = new RankInfo(0, id, topology.serviceProcessCount(), me.localId(), onHost, me.hostId());
      for (int higher = id + 1; higher < topology.serviceProcessCount(); higher++) {
        ServiceProcessSpec peer = topology.serviceProcess(higher);
        int target = higher;
        links.add(engine.connect(new ClientOptions().setHost(peer.address()).setPort(peer.meshPort())
                .setScope(Scope.INTER_SERVICE).setRankInfo(self).setSecret(secret).setConnectTimeout(connectTimeout))
            .onFailure(e -> LOG.error("service process {}: no mesh link to service process {}: {}", id, target,
                e.getMessage())));
      }
      return new ServiceMesh(server, Future.all(links).map(cf -> cf.<ExecutionContext>list()));
    });
  }

  /** The server context the lower service processes connect to. */
  public ExecutionContext server() {
    return server;
  }

  /** Completes when this service process's links to every higher one are up. */
  public Future<List<ExecutionContext>> clientsConnected() {
    return clients;
  }
}
