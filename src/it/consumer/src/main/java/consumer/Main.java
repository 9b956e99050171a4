package consumer;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.EventTypes;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A user's program: a service process and a rank (two engines in one JVM) bootstrap over UCX and
 * exchange one notification. Exits 0 and prints "consumer ok" only if that worked and the
 * library brought none of its CLI-only dependencies along.
 */
public final class Main {

  static final int HELLO = EventTypes.FIRST_USER_TYPE;

  public static void main(String[] args) throws Exception {
    List<String> leaked = List.of("picocli.CommandLine", "io.vertx.launcher.application.VertxApplication",
            "io.micrometer.prometheusmetrics.PrometheusMeterRegistry", "org.slf4j.simple.SimpleLogger",
            "io.vertx.micrometer.MicrometerMetricsOptions").stream().filter(Main::onClasspath).toList();
    if (!leaked.isEmpty()) {
      System.err.println("consumer FAILED: CLI-only classes reached a consumer's classpath: " + leaked);
      System.exit(1);
    }
    Vertx vertx = Vertx.vertx();
    try {
      OffloadEngine sp = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext server = sp.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
      server.consumer(HELLO, n -> server.notify(n.peerId(), HELLO, Buffer.buffer("hello rank " + n.source().rank())))
          .completion().await(10, TimeUnit.SECONDS);

      OffloadEngine rank = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext client = rank.connect(new ClientOptions().setPort(server.localPort())
          .setRankInfo(RankInfo.of(0, 1, 2))).await(30, TimeUnit.SECONDS);
      Promise<String> reply = Promise.promise();
      client.consumer(HELLO, n -> reply.tryComplete(n.payload().toString())).completion().await(10, TimeUnit.SECONDS);
      client.notify(0, HELLO, Buffer.buffer("hi")).await(10, TimeUnit.SECONDS);
      String answer = reply.future().await(30, TimeUnit.SECONDS);
      double received = sp.meterRegistry().get("offload.notifications.received").functionCounter().count();
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
      if (!"hello rank 1".equals(answer) || received < 1) {
        System.err.println("consumer FAILED: answer '" + answer + "', notifications received " + received);
        System.exit(1);
      }
      System.out.println("consumer ok: " + answer + " (over UCX, " + (long) received + " notifications received)");
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, Main.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
