package io.offload.examples;

import io.offload.engine.OffloadEngine;
import io.offload.notify.EventTypes;
import io.offload.notify.Notification;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Notifications to oneself: the self context delivers through local-only event-bus addresses,
 * never through UCX. Useful to run the same handler for local and remote events.
 */
public final class SelfNotifications {

  static final int TICK = EventTypes.FIRST_USER_TYPE + 2;

  public static void main(String[] args) throws Exception {
    System.out.println(run());
  }

  public static List<String> run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OffloadEngine engine = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      List<String> seen = new ArrayList<>();
      Promise<Void> three = Promise.promise();
      engine.self().consumer(TICK, m -> {
        seen.add(m.payload().toString());
        if (seen.size() == 3) {
          three.complete();
        }
      }).completion().await(10, TimeUnit.SECONDS);
      for (int i = 1; i <= 3; i++) {
        engine.self().notify(0, TICK, Buffer.buffer("tick " + i));
      }
      three.future().await(10, TimeUnit.SECONDS);
      System.out.println("UCX sends: " + engine.notificationStats().sent()); // 0: the network is not involved
      engine.close().await(10, TimeUnit.SECONDS);
      return seen;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
