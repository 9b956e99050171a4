package io.offload.ops;

import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.memory.ExposedRegion;
import io.offload.topology.RankInfo;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Service processes and ranks as engines in this JVM, from a loopback topology (hosts x service
 * processes per host, ranks placed block-wise), each rank bootstrapped with its whole group in its cache.
 */
final class OpsCluster implements AutoCloseable {

  static final long WAIT = 30;

  final Vertx vertx = Vertx.vertx();
  final Topology topology;
  final RankInfo[] placement;
  final List<ServiceProcessVerticle> sps = new ArrayList<>();
  final List<RankVerticle> ranks = new ArrayList<>();
  final List<String> rankDeployments = new ArrayList<>();
  final List<String> spDeployments = new ArrayList<>();

  OpsCluster(int hosts, int perHost, int rankCount, JsonObject collectives) throws Exception {
    topology = Topology.onLoopback(hosts, perHost);
    placement = topology.placeBlock(0, rankCount);
    List<Future<String>> all = new ArrayList<>();
    for (ServiceProcessSpec s : topology.serviceProcesses()) {
      ServiceProcessVerticle v = new ServiceProcessVerticle();
      sps.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("engine", new JsonObject().put("name", "sp" + s.globalId()))
          .put("topology", topology.toJson()).put("serviceProcessId", s.globalId())
          .put("collectives", collectives))));
    }
    Future.all(all).await(WAIT, TimeUnit.SECONDS);
    all.forEach(f -> spDeployments.add(f.result()));
    all.clear();
    for (RankInfo r : placement) {
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("engine", new JsonObject().put("name", "rank" + r.rank()))
          .put("topology", topology.toJson())
          .put("client", new JsonObject().put("rank", new JsonObject().put("groupId", 0).put("rank", r.rank())
              .put("groupSize", r.groupSize()).put("localRank", r.localRank()).put("localSize", r.localSize())
              .put("hostId", r.hostId()))))));
    }
    Future.all(all).await(WAIT, TimeUnit.SECONDS);
    all.forEach(f -> rankDeployments.add(f.result()));
  }

  Collectives collectives(int rank) {
    RankVerticle r = ranks.get(rank);
    return r.engine().operations().collectives(r.client());
  }

  /** A region of {@code bytes} that rank {@code rank} exposes to its service process. */
  ExposedRegion expose(int rank, int bytes) throws Exception {
    return ranks.get(rank).client().exposeAllocated(0, Math.max(1, bytes))
        .await(WAIT, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(WAIT, TimeUnit.SECONDS);
  }
}
