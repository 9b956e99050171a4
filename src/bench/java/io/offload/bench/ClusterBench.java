package io.offload.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.concurrent.TimeUnit;

/**
 * The Vert.x way to cross processes: a clustered event bus (Hazelcast, TCP/IP join on
 * 127.0.0.1 with the two members' ports given, multicast off, a cluster name unique to the run
 * so that nothing else on the machine joins), request/reply with a {@code Buffer} body.
 */
final class ClusterBench {

  static final String ADDRESS = "offload.bench.echo";

  private ClusterBench() {
  }

  private static Vertx clustered(String cluster, int myPort, int otherPort) throws Exception {
    System.setProperty("hazelcast.phone.home.enabled", "false");
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster);
    config.getNetworkConfig().setPort(myPort).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + myPort).addMember("127.0.0.1:" + otherPort);
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1"));
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(config)).buildClustered()
        .await(120, TimeUnit.SECONDS);
  }

  static void server(String cluster, int myPort, int otherPort) throws Exception {
    Vertx vertx = clustered(cluster, myPort, otherPort);
    vertx.eventBus().<Buffer>consumer(ADDRESS, m -> m.reply(m.body())).completion().await(60, TimeUnit.SECONDS);
    System.out.println("listening cluster " + cluster);
    System.out.flush();
    Thread.currentThread().join();
  }

  private static final class Driver extends RttDriver {
    Vertx vertx;
    final DeliveryOptions opts = new DeliveryOptions().setSendTimeout(30_000);

    @Override
    void send() {
      vertx.eventBus().<Buffer>request(ADDRESS, payload, opts).onComplete(ar -> {
        if (ar.failed()) {
          finished.completeExceptionally(ar.cause());
        } else {
          pong();
        }
      });
    }
  }

  static void client(String cluster, int myPort, int otherPort, Plan plan) throws Exception {
    Vertx vertx = clustered(cluster, myPort, otherPort);
    Context loop = vertx.getOrCreateContext();
    // The server's consumer reaches this member's view of the cluster a little after it registers.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        vertx.eventBus().request(ADDRESS, Buffer.buffer(), new DeliveryOptions().setSendTimeout(2000))
            .await(5, TimeUnit.SECONDS);
        break;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100); // main thread, not an event loop
      }
    }
    Driver d = new Driver();
    d.vertx = vertx;
    d.measure(loop, "clustered-eb", plan, true);
    vertx.close().await(60, TimeUnit.SECONDS);
  }
}
