package io.offload.ops;

import io.offload.memory.ExposedRegion;
import io.offload.topology.RankInfo;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Service processes and ranks as engines in this JVM, from a loopback topology (hosts x service
 * processes per host, ranks placed block-wise), each rank bootstrapped with its whole group in
 * its cache. Some may be left out to run elsewhere (a child JVM): their list entries stay null.
 */
final class OpsCluster implements AutoCloseable {

  static final long WAIT = 30;

  final Vertx vertx = Vertx.vertx();
  final Topology topology;
  final RankInfo[] placement;
  final List<ServiceProcessVerticle> sps = new ArrayList<>();
  final List<RankVerticle> ranks = new ArrayList<>();

  /** Everything in this JVM. */
  OpsCluster(int hosts, int perHost, int rankCount, JsonObject collectives) throws Exception {
    this(hosts, perHost, rankCount);
    startServiceProcesses(collectives, Set.of());
    startRanks(Set.of());
  }

  /** The topology only; start the parts with the methods below. */
  OpsCluster(int hosts, int perHost, int rankCount) {
    topology = Topology.onLoopback(hosts, perHost);
    placement = topology.placeBlock(0, rankCount);
  }

  /** Starts every service process but those in {@code elsewhere}; completes once they listen. */
  void startServiceProcesses(JsonObject collectives, Set<Integer> elsewhere) throws Exception {
    List<Future<String>> all = new ArrayList<>();
    for (ServiceProcessSpec s : topology.serviceProcesses()) {
      if (elsewhere.contains(s.globalId())) {
        sps.add(null);
        continue;
      }
      ServiceProcessVerticle v = new ServiceProcessVerticle();
      sps.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("engine", new JsonObject().put("name", "sp" + s.globalId()))
          .put("topology", topology.toJson()).put("serviceProcessId", s.globalId())
          .put("collectives", collectives))));
    }
    Future.all(all).await(WAIT, TimeUnit.SECONDS);
  }

  /** Starts every rank but those in {@code elsewhere}; completes once each has its whole group in its cache. */
  void startRanks(Set<Integer> elsewhere) throws Exception {
    List<Future<String>> all = new ArrayList<>();
    for (RankInfo r : placement) {
      if (elsewhere.contains(r.rank())) {
        ranks.add(null);
        continue;
      }
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(rankConfig(topology.toJson(), r))));
    }
    Future.all(all).await(WAIT, TimeUnit.SECONDS);
  }

  static JsonObject rankConfig(Object topology, RankInfo r) {
    return new JsonObject()
        .put("engine", new JsonObject().put("name", "rank" + r.rank()))
        .put("topology", topology)
        .put("client", new JsonObject().put("rank", r.toJson()));
  }

  /** The topology as a file, for processes started elsewhere. */
  Path topologyFile() throws Exception {
    Path f = Files.createTempFile("ops-topology", ".json");
    Files.writeString(f, topology.toJson().encodePrettily());
    f.toFile().deleteOnExit();
    return f;
  }

  Collectives collectives(int rank) {
    RankVerticle r = ranks.get(rank);
    return r.engine().operations().collectives(r.client());
  }

  /** A region of {@code bytes} (UCX allocates it) that rank {@code rank} exposes to its service process. */
  ExposedRegion expose(int rank, int bytes) throws Exception {
    return ranks.get(rank).client().exposeAllocated(0, Math.max(1, bytes)).await(WAIT, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(WAIT, TimeUnit.SECONDS);
  }
}
