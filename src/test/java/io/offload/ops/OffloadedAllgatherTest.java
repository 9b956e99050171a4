package io.offload.ops;

import io.offload.memory.ExposedRegion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The allgather, the second collective of the framework: every member's block reaches every member. */
class OffloadedAllgatherTest {

  static void allgatherChecked(OpsCluster c, int count) throws Exception {
    int n = c.placement.length;
    List<Future<Void>> all = new ArrayList<>();
    ExposedRegion[] recvs = new ExposedRegion[n];
    for (int me = 0; me < n; me++) {
      ExposedRegion send = c.expose(me, count + 7);
      ByteBuffer sb = send.buffer();
      for (int k = 0; k < count; k++) {
        sb.put(7 + k, (byte) (me * 37 + k * 11));
      }
      recvs[me] = c.expose(me, 5 + count * n);
      all.add(c.collectives(me).allgather(c.placement[me], send, 7, count, recvs[me], 5));
    }
    Future.all(all).await(OpsCluster.WAIT, TimeUnit.SECONDS);
    for (int me = 0; me < n; me++) {
      ByteBuffer rb = recvs[me].buffer();
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < count; k++) {
          byte want = (byte) (i * 37 + k * 11);
          if (rb.get(5 + i * count + k) != want) {
            assertEquals(want, rb.get(5 + i * count + k), "rank " + me + " byte " + k + " of rank " + i);
          }
        }
      }
    }
  }

  @Test
  void shouldGatherEveryBlockAtEveryRankThroughOneServiceProcess() throws Exception {
    try (OpsCluster c = new OpsCluster(1, 1, 3, new JsonObject())) {
      allgatherChecked(c, 1000);
      allgatherChecked(c, 0); // nothing to move: completes all the same
    }
  }

  @Test
  void shouldGatherAcrossServiceProcessesOfTwoHostsInChunks() throws Exception {
    try (OpsCluster c = new OpsCluster(2, 1, 5, new JsonObject().put("chunkBytes", 4096).put("stagingBytes", 9 * 4096))) {
      allgatherChecked(c, 10_000);
    }
  }

  @Test
  void shouldGatherWithCallerDrivenRanksAmongTheMembers() throws Exception {
    // ranks 1 (host 0) and 3 (host 1) on application workers progressed by test threads, 0 and 2 on their own
    try (OpsCluster c = new OpsCluster(2, 1, 4, new JsonObject().put("chunkBytes", 4096).put("stagingBytes", 9 * 4096),
        Set.of(1, 3))) {
      allgatherChecked(c, 10_000);
      allgatherChecked(c, 0);
    }
  }
}
