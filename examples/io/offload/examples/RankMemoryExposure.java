package io.offload.examples;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.OffloadEngine;
import io.offload.memory.ExposedRegion;
import io.offload.memory.PeerRegion;
import io.offload.notify.EventTypes;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The direction XGVMI serves on a DPU: a rank exposes a buffer of its own memory to its service
 * process, which reads it and writes its answer back into it, one-sided, while the rank's CPU
 * only waits. Then the rank withdraws the buffer: the service process's next access fails with a
 * clear error instead of touching memory the rank may have freed.
 */
public final class RankMemoryExposure {

  /** "Work on region N" (payload: the region id), and its answer. */
  static final int UPPERCASE = EventTypes.FIRST_USER_TYPE + 1;
  static final int DONE = EventTypes.FIRST_USER_TYPE + 2;

  public static void main(String[] args) throws Exception {
    run().forEach(System.out::println);
  }

  public static List<String> run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OffloadEngine sp = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
      // The service process: finds the rank's region through its cache, gets it, uppercases it, puts it back.
      server.consumer(UPPERCASE, n -> {
        int groupId = n.source().groupId();
        int rank = n.source().rank();
        PeerRegion region = sp.cache().rankRegion(groupId, rank, n.payload().getInt(0));
        ByteBuffer work = ByteBuffer.allocateDirect((int) region.length());
        region.get(0, work)
            .compose(v -> {
              for (int i = 0; i < work.capacity(); i++) {
                work.put(i, (byte) Character.toUpperCase(work.get(i)));
              }
              return region.put(0, work.clear());
            })
            .onComplete(r -> server.notify(n.peerId(), DONE, Buffer.buffer(r.succeeded() ? "ok" : r.cause().toString())));
      }).completion().await(10, TimeUnit.SECONDS);

      OffloadEngine rankEngine = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext client = rankEngine.connect(new ClientOptions().setPort(server.localPort())
          .setRankInfo(RankInfo.of(0, 0, 1))).await(10, TimeUnit.SECONDS);
      Promise<String> done = Promise.promise();
      client.consumer(DONE, n -> done.complete(n.payload().toString())).completion().await(10, TimeUnit.SECONDS);

      // The rank: exposes a buffer of its memory (peer 0 of a client is its service process) and asks for work on it.
      byte[] text = "hello from the rank's memory".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer memory = ByteBuffer.allocateDirect(text.length).put(text).flip();
      ExposedRegion region = client.expose(0, memory).await(10, TimeUnit.SECONDS);
      client.notify(0, UPPERCASE, Buffer.buffer().appendInt(region.id()));
      String status = done.future().await(10, TimeUnit.SECONDS);
      byte[] after = new byte[text.length];
      memory.duplicate().get(after);
      String first = "service process: " + status + "; rank's memory now: " + new String(after, StandardCharsets.US_ASCII);

      // Withdrawn: the service process stops first, then the memory is deregistered; it may be freed now.
      PeerRegion seenBySp = sp.cache().rankRegion(0, 0, region.id());
      region.withdraw().await(10, TimeUnit.SECONDS);
      String second;
      try {
        seenBySp.get(0, ByteBuffer.allocateDirect(text.length)).await(10, TimeUnit.SECONDS);
        second = "after withdrawal: read again (wrong)";
      } catch (Exception e) {
        second = "after withdrawal: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      rankEngine.close().await(10, TimeUnit.SECONDS);
      sp.close().await(10, TimeUnit.SECONDS);
      return List.of(first, second);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
