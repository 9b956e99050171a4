package io.offload.notify;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.OffloadEngine;
import io.offload.topology.RankInfo;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A user-managed payload is the buffer's position to limit, not its start: small (eager) and large (rendezvous). */
class DirectPayloadTest {

  static final int TYPE = EventTypes.FIRST_USER_TYPE + 301;

  @Test
  void shouldSendFromTheBuffersPositionToItsLimit() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OffloadEngine sp = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      OffloadEngine rank = OffloadEngine.create(vertx).await(30, TimeUnit.SECONDS);
      ExecutionContext server = sp.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
      List<Buffer> got = new ArrayList<>();
      Promise<Void> both = Promise.promise();
      server.consumer(TYPE, n -> {
        got.add(n.payload().copy());
        if (got.size() == 2) {
          both.complete();
        }
      }).completion().await(30, TimeUnit.SECONDS);
      ExecutionContext client = rank.connect(new ClientOptions().setPort(server.localPort())
          .setRankInfo(RankInfo.of(0, 0, 1))).await(30, TimeUnit.SECONDS);
      ByteBuffer big = ByteBuffer.allocateDirect(300_000);
      for (int i = 0; i < big.capacity(); i++) {
        big.put(i, (byte) (i * 7 + (i >> 8)));
      }
      client.notifyDirect(0, TYPE, big.duplicate().position(3).limit(11)).await(30, TimeUnit.SECONDS);
      client.notifyDirect(0, TYPE, big.duplicate().position(1000).limit(263_144)).await(30, TimeUnit.SECONDS);
      both.future().await(30, TimeUnit.SECONDS);
      assertEquals(Buffer.buffer(bytes(big, 3, 8)), got.get(0));
      assertEquals(Buffer.buffer(bytes(big, 1000, 262_144)), got.get(1));
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static byte[] bytes(ByteBuffer b, int from, int n) {
    byte[] out = new byte[n];
    b.duplicate().position(from).get(out);
    return out;
  }
}
