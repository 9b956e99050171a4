package io.offload.memory;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.engine.OffloadEngine;
import io.offload.topology.RankInfo;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A rank in a JVM of its own for {@link CrossJvmRankMemoryTest}: exposes 1 MiB of its memory (a
 * known pattern) to its service process and prints {@code REGION id}; on a CHECK (payload: the
 * seed of the pattern the service process wrote) it checks its memory, answers, withdraws the
 * region, prints {@code WITHDRAWN} and exits.
 */
public final class ExposingRank {

  static final int CHECK = 5100;
  static final int SIZE = 1 << 20;

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    OffloadEngine engine = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
    ExecutionContext client = engine.connect(new ClientOptions().setPort(Integer.parseInt(args[0]))
        .setRankInfo(RankInfo.of(0, 0, 1))).await(30, TimeUnit.SECONDS);
    ByteBuffer memory = RankMemoryTest.pattern(SIZE, 5);
    CountDownLatch withdrawn = new CountDownLatch(1);
    client.consumer(CHECK, n -> {
      ByteBuffer expected = RankMemoryTest.pattern(SIZE, n.payload().getInt(0));
      int mismatch = expected.mismatch(memory.duplicate().clear());
      client.notify(0, CHECK, Buffer.buffer(mismatch < 0 ? "ok" : "byte " + mismatch + " differs"));
    }).completion().await(30, TimeUnit.SECONDS);
    ExposedRegion region = client.expose(0, memory).await(30, TimeUnit.SECONDS);
    System.out.println("REGION " + region.id());
    client.consumer(CHECK + 1, n -> region.withdraw().onComplete(r -> {
      System.out.println(r.succeeded() ? "WITHDRAWN" : "WITHDRAW FAILED " + r.cause());
      withdrawn.countDown();
    })).completion().await(30, TimeUnit.SECONDS);
    System.out.println("READY");
    if (!withdrawn.await(60, TimeUnit.SECONDS)) {
      System.out.println("NOT WITHDRAWN");
    }
    engine.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    System.exit(0);
  }
}
