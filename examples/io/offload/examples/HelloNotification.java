package io.offload.examples;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.EventTypes;
import io.offload.notify.Notification;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.TimeUnit;

/**
 * A service process and a rank say hello over UCX. In real life they are two processes; here
 * two engines in one JVM, which changes nothing in the code.
 */
public final class HelloNotification {

  static final int HELLO = EventTypes.FIRST_USER_TYPE + 1;

  public static void main(String[] args) throws Exception {
    System.out.println(run());
  }

  public static String run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // The service process: an engine with a server context (port 0: any free port).
      OffloadEngine sp = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
      // It answers every HELLO to whoever sent it. Notifications are plain event-bus messages.
      server.consumer(HELLO, n -> {
        server.notify(n.peerId(), HELLO, Buffer.buffer("hello rank " + n.source().rank() + ", I am your service process"));
      }).completion().await(10, TimeUnit.SECONDS);

      // The rank: an engine with a client context; connect() completes at BOOTSTRAP_DONE.
      OffloadEngine rank = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext client = rank.connect(new ClientOptions().setPort(server.localPort())
          .setRankInfo(RankInfo.of(0, 3, 4))).await(10, TimeUnit.SECONDS);
      Promise<String> answer = Promise.promise();
      client.consumer(HELLO, m -> answer.complete(m.payload().toString()))
          .completion().await(10, TimeUnit.SECONDS);
      client.notify(0, HELLO, Buffer.buffer("hello")).await(10, TimeUnit.SECONDS);
      String reply = answer.future().await(10, TimeUnit.SECONDS);

      rank.close().await(10, TimeUnit.SECONDS); // finalizes the client context: the server sees a clean TERM
      sp.close().await(10, TimeUnit.SECONDS);
      return reply;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
