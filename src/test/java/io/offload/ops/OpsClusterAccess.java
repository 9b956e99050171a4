package io.offload.ops;

import io.vertx.core.json.JsonObject;

/** Probe access to the test cluster (temporary). */
public final class OpsClusterAccess implements AutoCloseable {
  final OpsCluster c;

  private OpsClusterAccess(OpsCluster c) {
    this.c = c;
  }

  public static OpsClusterAccess start(int hosts, int perHost, int ranks) throws Exception {
    return new OpsClusterAccess(new OpsCluster(hosts, perHost, ranks, new JsonObject()));
  }

  public io.offload.verticles.RankVerticle rank(int i) {
    return c.ranks.get(i);
  }

  public io.offload.verticles.ServiceProcessVerticle sp(int i) {
    return c.sps.get(i);
  }

  @Override
  public void close() throws Exception {
    c.close();
  }
}
