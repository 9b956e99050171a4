package io.offload.ops;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.memory.ExposedRegion;
import io.offload.testkit.EngineMode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Service processes and ranks as engines in this JVM, from a loopback topology (hosts x service
 * processes per host, ranks placed block-wise), each rank bootstrapped with its whole group in
 * its cache. Some may be left out to run elsewhere (a child JVM): their list entries stay null.
 * Some ranks may run on caller-driven engines ({@link EngineMode#CALLER_DRIVEN}: an application
 * worker progressed by a test thread) instead of verticles: their {@link #ranks} entries stay null
 * too, {@link #engine(int)} and {@link #client(int)} give every rank of this JVM.
 */
final class OpsCluster implements AutoCloseable {

  static final long WAIT = 30;

  final Vertx vertx = Vertx.vertx();
  final Topology topology;
  final RankInfo[] placement;
  final List<ServiceProcessVerticle> sps = new ArrayList<>();
  final List<RankVerticle> ranks = new ArrayList<>();
  /** The caller-driven ranks, by rank, once bootstrapped. */
  private final Map<Integer, DrivenRank> drivenRanks = new HashMap<>();
  private EngineMode.Engines driven;

  /** Everything in this JVM. */
  OpsCluster(int hosts, int perHost, int rankCount, JsonObject collectives) throws Exception {
    this(hosts, perHost, rankCount);
    startServiceProcesses(collectives, Set.of());
    startRanks(Set.of());
  }

  /** Everything in this JVM, ranks {@code callerDriven} on caller-driven engines, the others verticles. */
  OpsCluster(int hosts, int perHost, int rankCount, JsonObject collectives, Set<Integer> callerDriven) throws Exception {
    this(hosts, perHost, rankCount);
    startServiceProcesses(collectives, Set.of());
    startRanks(Set.of(), callerDriven);
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
    startRanks(elsewhere, Set.of());
  }

  /** As {@link #startRanks(Set)}, ranks {@code callerDriven} on caller-driven engines. */
  void startRanks(Set<Integer> elsewhere, Set<Integer> callerDriven) throws Exception {
    List<Future<?>> all = new ArrayList<>();
    for (RankInfo r : placement) {
      if (elsewhere.contains(r.rank())) {
        ranks.add(null);
        continue;
      }
      if (callerDriven.contains(r.rank())) {
        ranks.add(null);
        all.add(startDriven(r));
        continue;
      }
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      all.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(rankConfig(topology.toJson(), r))));
    }
    Future.all(all).await(WAIT, TimeUnit.SECONDS);
  }

  /** A rank as {@code RankVerticle} starts one with a topology, on a caller-driven engine. */
  private Future<Void> startDriven(RankInfo r) throws Exception {
    if (driven == null) {
      driven = EngineMode.CALLER_DRIVEN.engines();
    }
    OffloadEngine e = driven.create(vertx, new EngineOptions().setName("rank" + r.rank()).setRankInfo(r))
        .await(WAIT, TimeUnit.SECONDS);
    List<ServiceProcessSpec> sps = topology.serviceProcessesFor(r.hostId(), r.localRank());
    return e.connect(new ClientOptions().setHost(sps.get(0).address()).setPort(sps.get(0).rankPort()).setRankInfo(r)
            .setServiceProcessIndex(0).setServiceProcessCount(sps.size()))
        .compose(c -> {
          synchronized (drivenRanks) {
            drivenRanks.put(r.rank(), new DrivenRank(e, c));
          }
          return e.cache().whenComplete(r.groupId());
        });
  }

  private record DrivenRank(OffloadEngine engine, ExecutionContext client) {
  }

  private DrivenRank driven(int rank) {
    synchronized (drivenRanks) {
      DrivenRank d = drivenRanks.get(rank);
      if (d == null) {
        throw new IllegalArgumentException("rank " + rank + " does not run in this JVM");
      }
      return d;
    }
  }

  /** The engine of rank {@code rank}, a verticle's or a caller-driven one. */
  OffloadEngine engine(int rank) {
    RankVerticle v = ranks.get(rank);
    return v != null ? v.engine() : driven(rank).engine();
  }

  /** The client context of rank {@code rank}, a verticle's or a caller-driven one. */
  ExecutionContext client(int rank) {
    RankVerticle v = ranks.get(rank);
    return v != null ? v.client() : driven(rank).client();
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
    return engine(rank).operations().collectives(client(rank));
  }

  /** A region of {@code bytes} (UCX allocates it) that rank {@code rank} exposes to its service process. */
  ExposedRegion expose(int rank, int bytes) throws Exception {
    return client(rank).exposeAllocated(0, Math.max(1, bytes)).await(WAIT, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (driven != null) {
      driven.close();
    }
    vertx.close().await(WAIT, TimeUnit.SECONDS);
  }
}
