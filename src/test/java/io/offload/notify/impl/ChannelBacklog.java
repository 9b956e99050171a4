package io.offload.notify.impl;

import io.offload.ucx.UcxFeatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link ChannelTest}: queues N small sends on a channel without an endpoint, over a
 * UCX context limited to TCP (where a small send completes inside its post), then makes the
 * endpoint and steps until every send completed and arrived. Prints {@code delivered N in order}.
 */
public final class ChannelBacklog {

  private ChannelBacklog() {
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    try (SteppedChannels rig = new SteppedChannels(vertx, 32, n,
        UcxFeatures.requiredParams().setConfig("TLS", "tcp"))) {
      List<Future<Void>> sends = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        sends.add(rig.send(i, 8));
      }
      rig.connectSender();
      rig.step(n + " sends completed and received", () -> rig.received.size() == n
          && sends.stream().allMatch(Future::isComplete));
      if (!sends.stream().allMatch(Future::succeeded)) {
        throw new AssertionError("failed sends: " + sends.stream().filter(Future::failed).count());
      }
      if (!rig.received.equals(SteppedChannels.upTo(n))) {
        throw new AssertionError("out of order");
      }
      System.out.println("delivered " + n + " in order");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
