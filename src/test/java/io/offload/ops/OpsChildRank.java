package io.offload.ops;

import io.offload.memory.ExposedRegion;
import io.offload.topology.RankInfo;
import io.offload.verticles.RankVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A rank in a JVM of its own (args: topology file, rank info JSON, then bytes per pair, or
 * {@code type=T} and an argument string): bootstraps, submits one alltoallv of {@code bytes} per
 * pair (or one operation of type {@code T} with that argument), prints {@code submitted}, then
 * {@code done} or {@code failed: REASON} when it ends, and stays until killed.
 */
public final class OpsChildRank {

  private OpsChildRank() {
  }

  public static void main(String[] args) throws Exception {
    RankInfo me = new RankInfo(new JsonObject(args[1]));
    Vertx vertx = Vertx.vertx();
    RankVerticle rv = new RankVerticle();
    vertx.deployVerticle(rv, new DeploymentOptions().setConfig(OpsCluster.rankConfig(args[0], me)))
        .await(60, TimeUnit.SECONDS);
    if (args[2].startsWith("type=")) {
      int type = Integer.parseInt(args[2].substring("type=".length()));
      report(rv.engine().operations().submit(rv.client(), type, Buffer.buffer(args[3])));
      return;
    }
    int bytes = Integer.parseInt(args[2]);
    int n = me.groupSize();
    ExposedRegion send = rv.client().exposeAllocated(0, (long) n * bytes).await(60, TimeUnit.SECONDS);
    ExposedRegion recv = rv.client().exposeAllocated(0, (long) n * bytes).await(60, TimeUnit.SECONDS);
    int[] counts = new int[n];
    int[] displs = new int[n];
    for (int i = 0; i < n; i++) {
      counts[i] = bytes;
      displs[i] = i * bytes;
    }
    report(rv.engine().operations().collectives(rv.client()).alltoallv(me, send, counts, displs, recv, counts,
        displs));
  }

  private static void report(Future<?> f) throws InterruptedException {
    System.out.println("submitted");
    System.out.flush();
    f.onComplete(ar -> {
      System.out.println(ar.succeeded() ? "done" : "failed: " + ar.cause().getMessage());
      System.out.flush();
    });
    new CountDownLatch(1).await();
  }
}
