package io.offload.examples;

import io.offload.cache.GroupCache;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
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
 * A topology of two hosts with one service process each: the service processes form a mesh
 * (the lower id serves, the higher connects), exchange what they know, and every rank ends with
 * the whole group in its cache: who serves whom, on which host.
 */
public final class TwoServiceProcesses {

  public static void main(String[] args) throws Exception {
    run().forEach(System.out::println);
  }

  public static List<String> run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Topology topology = Topology.onLoopback(2, 1);
      for (ServiceProcessSpec sp : topology.serviceProcesses()) {
        vertx.deployVerticle(new ServiceProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
            .put("topology", topology.toJson()).put("serviceProcessId", sp.globalId()))).await(30, TimeUnit.SECONDS);
      }
      List<RankVerticle> ranks = new ArrayList<>();
      List<Future<String>> deployments = new ArrayList<>();
      for (RankInfo r : topology.placeBlock(0, 4)) { // ranks 0,1 on host 0; ranks 2,3 on host 1
        RankVerticle v = new RankVerticle();
        ranks.add(v);
        Future<String> deployment = vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
            .put("topology", topology.toJson())
            .put("client", new JsonObject().put("rank", new JsonObject().put("rank", r.rank())
                .put("groupSize", r.groupSize()).put("localRank", r.localRank()).put("localSize", r.localSize())
                .put("hostId", r.hostId())))));
        deployments.add(deployment); // a rank's start completes once its group cache is whole: that needs every rank
      }
      Future.all(deployments).await(60, TimeUnit.SECONDS);
      // What rank 0 knows about everyone (O(1) lookups, no network).
      GroupCache cache = ranks.get(0).engine().cache();
      List<String> lines = new ArrayList<>();
      for (int rank = 0; rank < cache.groupSize(0); rank++) {
        lines.add("rank " + rank + ": host " + cache.hostOf(0, rank) + ", service process "
            + cache.serviceProcessOf(0, rank) + (cache.onSameHost(0, 0, rank) ? " (same host as rank 0)" : ""));
      }
      return lines;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
