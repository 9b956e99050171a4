package io.offload.memory;

import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Jvm;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank in another JVM exposes 1 MiB of its memory; this JVM, its service process, reads it and
 * overwrites it one-sided (the rank checks every byte), then the rank withdraws it and this side's
 * next access fails with a {@link RegionWithdrawnException}.
 */
class CrossJvmRankMemoryTest {

  @Test
  void shouldReadAndWriteARanksMemoryInAnotherProcessUntilItIsWithdrawn() throws Exception {
    Vertx vertx = Vertx.vertx();
    OffloadEngine sp = OffloadEngine.create(vertx, new EngineOptions().setName("xmem-sp")).await(30, TimeUnit.SECONDS);
    try {
      ExecutionContext server = sp.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
      Promise<String> answer = Promise.promise();
      server.consumer(ExposingRank.CHECK, n -> answer.tryComplete(n.payload().toString()))
          .completion().await(30, TimeUnit.SECONDS);
      try (Jvm rank = Jvm.start("exposing-rank", ExposingRank.class.getName(),
          List.of(String.valueOf(server.localPort())))) {
        String line = rank.awaitLine(l -> l.startsWith("REGION "), 60, TimeUnit.SECONDS);
        rank.awaitLine("READY"::equals, 30, TimeUnit.SECONDS);
        PeerRegion region = sp.cache().rankRegion(0, 0, Integer.parseInt(line.substring(7)));
        assertEquals(ExposingRank.SIZE, region.length());

        ByteBuffer read = ByteBuffer.allocateDirect(ExposingRank.SIZE);
        region.get(0, read).await(30, TimeUnit.SECONDS);
        assertEquals(-1, RankMemoryTest.pattern(ExposingRank.SIZE, 5).mismatch(read.clear()),
            "every byte read from the other process");
        region.put(0, RankMemoryTest.pattern(ExposingRank.SIZE, 9)).await(30, TimeUnit.SECONDS);
        server.notify(region.peerId(), ExposingRank.CHECK, Buffer.buffer().appendInt(9));
        assertEquals("ok", answer.future().await(30, TimeUnit.SECONDS), "the rank checked every byte written");

        server.notify(region.peerId(), ExposingRank.CHECK + 1, Buffer.buffer());
        rank.awaitLine("WITHDRAWN"::equals, 30, TimeUnit.SECONDS);
        assertTrue(region.isWithdrawn(), "this side stopped before the rank deregistered");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
            () -> region.get(0, read).await(30, TimeUnit.SECONDS));
        assertInstanceOf(RegionWithdrawnException.class, e);
        assertEquals(0, rank.awaitExit(60, TimeUnit.SECONDS), rank::output);
      }
    } finally {
      sp.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
