package io.offload.ops;

import io.offload.memory.ExposedRegion;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The offloaded alltoallv moves every byte where the counts and displacements say, zeros included. */
class OffloadedAlltoallvTest {

  /** Counts: pair (i, j) gets a random size in [0, max], every 4th pair (and the diagonal of rank 1) none. */
  static int[][] counts(int n, int max, long seed) {
    Random rnd = new Random(seed);
    int[][] c = new int[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        c[i][j] = rnd.nextInt(4) == 0 || (i == 1 && j == 1) ? 0 : 1 + rnd.nextInt(max);
      }
    }
    return c;
  }

  static byte pattern(int src, int dst, int offset) {
    return (byte) (src * 31 + dst * 17 + offset * 7 + (offset >>> 8));
  }

  /** Runs one alltoallv over every rank of {@code c} with gaps between blocks and receive blocks in reverse order. */
  static void alltoallvChecked(OpsCluster c, int[][] counts) throws Exception {
    int n = counts.length;
    List<Future<Void>> all = new ArrayList<>();
    ExposedRegion[] recvs = new ExposedRegion[n];
    int[][] rdispls = new int[n][];
    for (int me = 0; me < n; me++) {
      int[] sc = counts[me];
      int[] sd = new int[n];
      int at = 3;
      for (int j = 0; j < n; j++) {
        sd[j] = at;
        at += sc[j] + 5;
      }
      ExposedRegion send = c.expose(me, at);
      ByteBuffer sb = send.buffer();
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < sc[j]; k++) {
          sb.put(sd[j] + k, pattern(me, j, k));
        }
      }
      int[] rc = new int[n];
      int[] rd = new int[n];
      at = 1;
      for (int i = n - 1; i >= 0; i--) {
        rc[i] = counts[i][me];
        rd[i] = at;
        at += rc[i] + 3;
      }
      recvs[me] = c.expose(me, at);
      rdispls[me] = rd;
      RankInfo info = c.placement[me];
      all.add(c.collectives(me).alltoallv(info, send, sc, sd, recvs[me], rc, rd));
    }
    Future.all(all).await(OpsCluster.WAIT, TimeUnit.SECONDS);
    for (int me = 0; me < n; me++) {
      ByteBuffer rb = recvs[me].buffer();
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < counts[i][me]; k++) {
          byte got = rb.get(rdispls[me][i] + k);
          if (got != pattern(i, me, k)) {
            assertEquals(pattern(i, me, k), got, "rank " + me + " byte " + k + " from rank " + i);
          }
        }
      }
    }
  }

  @Test
  void shouldMoveUnevenAndZeroCountsThroughOneServiceProcess() throws Exception {
    try (OpsCluster c = new OpsCluster(1, 1, 4, new JsonObject())) {
      alltoallvChecked(c, counts(4, 3000, 1));
    }
  }

  @Test
  void shouldMoveEveryPairBetweenRanksOnSeveralHostsOfATopology() throws Exception {
    try (OpsCluster c = new OpsCluster(3, 1, 6, new JsonObject())) { // 3 hosts, a service process each
      alltoallvChecked(c, counts(6, 5000, 4));
    }
  }

  @Test
  void shouldMoveBlocksLargerThanASlotBetweenTwoServiceProcesses() throws Exception {
    try (OpsCluster c = new OpsCluster(1, 2, 5, new JsonObject().put("chunkBytes", 4096).put("stagingBytes", 12 * 4096))) {
      alltoallvChecked(c, counts(5, 20_000, 2));
      alltoallvChecked(c, counts(5, 9_000, 3)); // a second collective of the same group
    }
  }
}
