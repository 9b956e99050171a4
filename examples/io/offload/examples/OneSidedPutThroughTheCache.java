package io.offload.examples;

import io.offload.cache.Handle;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.topology.RankInfo;
import io.offload.engine.OffloadEngine;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The portable stand-in for XGVMI: a rank asks the group cache which service process serves
 * another rank, takes the handle of that service process and writes into the memory region it
 * published, one-sided (UCX put), without the service process's CPU taking part.
 */
public final class OneSidedPutThroughTheCache {

  public static void main(String[] args) throws Exception {
    System.out.println(run());
  }

  public static String run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // One host, two service processes (each with a 4 KiB region), four ranks: ranks 0 and 2
      // are served by service process 0 (local_rank % 2), ranks 1 and 3 by service process 1.
      Topology topology = Topology.onLoopback(1, 2);
      List<ServiceProcessVerticle> sps = new ArrayList<>();
      for (ServiceProcessSpec sp : topology.serviceProcesses()) {
        ServiceProcessVerticle v = new ServiceProcessVerticle();
        vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
            .put("topology", topology.toJson()).put("serviceProcessId", sp.globalId())
            .put("memoryRegionBytes", 4096))).await(30, TimeUnit.SECONDS);
        sps.add(v);
      }
      List<RankVerticle> ranks = new ArrayList<>();
      List<Future<String>> deployments = new ArrayList<>();
      for (RankInfo r : topology.placeBlock(0, 4)) {
        RankVerticle v = new RankVerticle();
        ranks.add(v);
        Future<String> deployment = vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
            .put("topology", topology.toJson())
            .put("client", new JsonObject().put("rank", new JsonObject().put("rank", r.rank())
                .put("groupSize", r.groupSize()).put("localRank", r.localRank()).put("localSize", r.localSize())))));
        deployments.add(deployment); // a rank's start completes once its group cache is whole: that needs every rank
      }
      Future.all(deployments).await(60, TimeUnit.SECONDS);

      // Rank 0 wants to hand data to whoever serves rank 2.
      OffloadEngine rank0 = ranks.get(0).engine();
      int sp = rank0.cache().serviceProcessOf(0, 2);
      Handle handle = rank0.cache().handleOf(0, 2);
      byte[] bytes = "written by rank 0 with a UCX put".getBytes(StandardCharsets.UTF_8);
      ByteBuffer source = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
      handle.put(64, source).await(30, TimeUnit.SECONDS);

      // The bytes are now in service process sp's region (read here directly, same JVM).
      byte[] landed = new byte[bytes.length];
      sps.get(sp).region().duplicate().position(64).get(landed);
      return "service process " + sp + " serves rank 2; its region holds: " + new String(landed, StandardCharsets.UTF_8);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
