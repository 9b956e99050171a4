package io.offload.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.offload.engine.OffloadEngine;
import io.offload.memory.ExposedRegion;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operation framework through its public API: handlers of user types on service processes,
 * results and failures reaching the ranks' futures, many in flight, mesh messages between
 * handlers, meters; the collectives' argument checks on both sides.
 */
class OperationsFrameworkTest {

  static final int ECHO = OperationTypes.FIRST_USER_TYPE;
  static final int FAILING = ECHO + 1;
  static final int RELAYED = ECHO + 2;
  static final int UNKNOWN = ECHO + 3;

  static OpsCluster c;

  @BeforeAll
  static void start() throws Exception {
    c = new OpsCluster(1, 2, 4, new JsonObject()); // ranks 0, 2 on service process 0; 1, 3 on 1
    for (int sp = 0; sp < 2; sp++) {
      OffloadEngine e = c.sps.get(sp).engine();
      int me = sp;
      Map<Long, Operation> relayed = new HashMap<>();
      e.operations().register(ECHO, op -> op.complete(Buffer.buffer("from sp" + me + ": ").appendBuffer(op.args())));
      // ended later, from a timer on another context
      e.operations().register(FAILING, op -> e.vertx().setTimer(1, t -> op.fail(OperationException.Kind.FAILED,
          "refused " + op.args())));
      // answered by the other service process over the mesh
      e.operations().register(RELAYED, new OperationHandler() {
        @Override
        public void handle(Operation op) {
          relayed.put(op.id(), op);
          e.operations().sendToServiceProcess(1 - me, RELAYED, Buffer.buffer().appendByte((byte) 0).appendLong(op.id())
              .appendBuffer(op.args()));
        }

        @Override
        public void meshMessage(int from, Buffer m) {
          if (m.getByte(0) == 0) {
            e.operations().sendToServiceProcess(from, RELAYED, Buffer.buffer().appendByte((byte) 1)
                .appendLong(m.getLong(1)).appendString("sp" + me + " saw " + m.getString(9, m.length())));
          } else {
            relayed.remove(m.getLong(1)).complete(m.getBuffer(9, m.length()));
          }
        }
      });
    }
  }

  @AfterAll
  static void stop() throws Exception {
    c.close();
  }

  static Operations ops(int rank) {
    return c.ranks.get(rank).engine().operations();
  }

  static Future<Buffer> submit(int rank, int type, String args) {
    return ops(rank).submit(c.ranks.get(rank).client(), type, Buffer.buffer(args));
  }

  static OperationException failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.toCompletionStage().toCompletableFuture().get(OpsCluster.WAIT, TimeUnit.SECONDS));
    return assertInstanceOf(OperationException.class, e.getCause(), e.toString());
  }

  @Test
  void shouldCompleteEachOfManyOperationsInFlightWithItsOwnResult() throws Exception {
    List<Future<Buffer>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(submit(i % 4, ECHO, "op " + i));
    }
    Future.all(all).await(OpsCluster.WAIT, TimeUnit.SECONDS);
    for (int i = 0; i < 200; i++) {
      int sp = c.placement[i % 4].rank() % 2 == 0 ? 0 : 1;
      assertEquals("from sp" + sp + ": op " + i, all.get(i).result().toString());
    }
    assertEquals(0, ops(0).inFlight());
  }

  @Test
  void shouldFailTheRankFutureWithTheHandlersReason() {
    OperationException e = failure(submit(1, FAILING, "this"));
    assertEquals(OperationException.Kind.FAILED, e.kind());
    assertEquals("refused this", e.reason());
  }

  @Test
  void shouldRejectATypeWithoutHandler() {
    OperationException e = failure(submit(2, UNKNOWN, ""));
    assertEquals(OperationException.Kind.REJECTED, e.kind());
    assertTrue(e.reason().contains("no handler of operation type " + UNKNOWN), e.reason());
  }

  @Test
  void shouldLetHandlersCoordinateOverTheMesh() throws Exception {
    assertEquals("sp1 saw hello", submit(0, RELAYED, "hello").await(OpsCluster.WAIT, TimeUnit.SECONDS).toString());
    assertEquals("sp0 saw again", submit(3, RELAYED, "again").await(OpsCluster.WAIT, TimeUnit.SECONDS).toString());
  }

  @Test
  void shouldCountOperationsOnBothSides() throws Exception {
    double before = completed(c.sps.get(1).engine().meterRegistry(), "service");
    double beforeRank = completed(c.ranks.get(1).engine().meterRegistry(), "rank");
    for (int i = 0; i < 5; i++) {
      submit(1, ECHO, "x").await(OpsCluster.WAIT, TimeUnit.SECONDS);
    }
    failure(submit(1, FAILING, "y"));
    assertEquals(before + 5, completed(c.sps.get(1).engine().meterRegistry(), "service"));
    assertEquals(beforeRank + 5, completed(c.ranks.get(1).engine().meterRegistry(), "rank"));
    MeterRegistry r = c.ranks.get(1).engine().meterRegistry();
    assertTrue(r.get("offload.operations.failed").tags("type", "type-" + FAILING, "side", "rank").counter().count() >= 1);
    assertTrue(r.get("offload.operations.duration").tags("type", "type-" + ECHO, "side", "rank").timer().count() >= 5);
    assertTrue(r.get("offload.operations.started").tags("type", "type-" + ECHO, "side", "rank").counter().count() >= 5);
  }

  static double completed(MeterRegistry r, String side) {
    var c = r.find("offload.operations.completed").tags("type", "type-" + ECHO, "side", side).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void shouldFailEveryMemberWhenTheCountsDisagree() throws Exception {
    // (a failed collective does not break the group: the other tests' collectives of group 0 still run)
    int n = 4;
    List<Future<Void>> all = new ArrayList<>();
    for (int me = 0; me < n; me++) {
      RankInfo info = c.placement[me];
      ExposedRegion s = c.expose(me, 64);
      ExposedRegion r = c.expose(me, 64);
      int[] sc = new int[n];
      int[] rc = new int[n];
      java.util.Arrays.fill(sc, 4);
      java.util.Arrays.fill(rc, 4);
      if (me == 2) {
        rc[0] = 8; // rank 0 sends 4
      }
      int[] displ = {0, 8, 16, 24};
      all.add(c.collectives(me).alltoallv(info, s, sc, displ, r, rc, displ));
    }
    for (int me = 0; me < n; me++) {
      OperationException e = failure(all.get(me));
      assertEquals(OperationException.Kind.FAILED, e.kind());
      assertTrue(e.reason().contains("rank 0 sends 4 bytes to rank 2, which expects 8"), e.reason());
    }
  }

  @Test
  void shouldRefuseBadArgumentsAtOnce() throws Exception {
    RankInfo me = c.placement[0];
    ExposedRegion s = c.expose(0, 16);
    ExposedRegion gone = c.expose(0, 16);
    gone.withdraw().await(OpsCluster.WAIT, TimeUnit.SECONDS);
    Collectives coll = c.collectives(0);
    int[] four = {1, 1, 1, 1};
    assertThrows(IllegalArgumentException.class, () -> coll.alltoallv(me, s, new int[3], four, s, four, four));
    assertThrows(IllegalArgumentException.class, () -> coll.alltoallv(me, s, four, new int[] {0, 0, 0, 16}, s, four,
        four), "beyond the send region");
    assertThrows(IllegalArgumentException.class, () -> coll.alltoallv(me, gone, four, four, s, four, four));
    assertThrows(IllegalArgumentException.class, () -> coll.allgather(me, s, 0, 5, s, 0), "5 x 4 > 16");
    assertThrows(IllegalArgumentException.class, () -> coll.allgather(me, s, -1, 1, s, 0));
  }
}
