package io.offload.ops;

import io.micrometer.core.instrument.Counter;
import io.offload.context.ExecutionContext;
import io.offload.engine.OffloadEngine;
import io.offload.memory.ExposedRegion;
import io.offload.testkit.Await;
import io.offload.testkit.Jvm;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losses in the middle of a collective, with real processes killed: a rank's JVM (every other
 * member's operation fails, at both service processes), a service process's JVM (its ranks'
 * operations fail, and those of the ranks of the other service process). Four ranks on two
 * service processes of one host: ranks 0 and 2 on service process 0, ranks 1 and 3 on 1. Rank 3
 * submits nothing until the kill, so nothing can complete before it. The service processes in
 * this JVM also run a {@link Losses} handler: what their handlers are told of the loss.
 *
 * <p>Then the same losses under an operation of a user type whose handler never ends it: one
 * rank, one service process, one of them in a JVM of its own and killed.
 */
class OperationFailuresTest {

  static final int BYTES = 4096;
  /** A user type whose handler never ends its operations. */
  static final int NEVER_ENDS = OperationTypes.FIRST_USER_TYPE;
  /** A user type registered only to hear of losses (nothing submits it). */
  static final int OBSERVER = OperationTypes.FIRST_USER_TYPE + 1;

  /** A handler that records what it is told: operations arrived (never ended), ranks and service processes lost. */
  static final class Losses implements OperationHandler {
    final CompletableFuture<Operation> arrived = new CompletableFuture<>();
    final List<String> ranksLost = new CopyOnWriteArrayList<>();
    final List<String> serviceProcessesLost = new CopyOnWriteArrayList<>();

    @Override
    public void handle(Operation op) {
      arrived.complete(op);
    }

    @Override
    public void rankLost(ExecutionContext context, int peerId, RankInfo rank, String reason) {
      ranksLost.add((rank == null ? "?" : rank.rank()) + ": " + reason);
    }

    @Override
    public void serviceProcessLost(int serviceProcessId, String reason) {
      serviceProcessesLost.add(serviceProcessId + ": " + reason);
    }

    /** Reasons given for rank {@code rank} ({@code "0: REASON"}), the rank's number cut off. */
    List<String> reasonsForRank(int rank) {
      return ranksLost.stream().filter(l -> l.startsWith(rank + ": ")).map(l -> l.substring(l.indexOf(": ") + 2))
          .toList();
    }

    List<String> reasonsForServiceProcess(int sp) {
      return serviceProcessesLost.stream().filter(l -> l.startsWith(sp + ": "))
          .map(l -> l.substring(l.indexOf(": ") + 2)).toList();
    }
  }

  static Losses observe(OffloadEngine sp) {
    Losses l = new Losses();
    sp.operations().register(OBSERVER, l);
    return l;
  }

  static Future<Void> alltoallv(OpsCluster c, int rank) throws Exception {
    int n = c.placement.length;
    ExposedRegion s = c.expose(rank, n * BYTES);
    ExposedRegion r = c.expose(rank, n * BYTES);
    int[] counts = new int[n];
    int[] displs = new int[n];
    for (int i = 0; i < n; i++) {
      counts[i] = BYTES;
      displs[i] = i * BYTES;
    }
    RankInfo me = c.placement[rank];
    return c.collectives(rank).alltoallv(me, s, counts, displs, r, counts, displs);
  }

  static OperationException failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.toCompletionStage().toCompletableFuture().get(OpsCluster.WAIT, TimeUnit.SECONDS));
    return assertInstanceOf(OperationException.class, e.getCause(), e.toString());
  }

  static double count(OffloadEngine e, String meter) {
    return count(e, meter, "alltoallv", "service");
  }

  static double count(OffloadEngine e, String meter, String type, String side) {
    Counter c = e.meterRegistry().find(meter).tags("type", type, "side", side).counter();
    return c == null ? 0 : c.count();
  }

  static void awaitStarted(OffloadEngine sp, int n) {
    Await.until(sp.id() + " has " + n + " alltoallv started", () -> count(sp, "offload.operations.started") >= n,
        OpsCluster.WAIT, TimeUnit.SECONDS);
  }

  @Test
  void rankKilledMidOperationFailsItForEveryOtherMemberAtEveryServiceProcess() throws Exception {
    try (OpsCluster c = new OpsCluster(1, 2, 4)) {
      c.startServiceProcesses(new JsonObject(), Set.of());
      Path topology = c.topologyFile();
      try (Jvm rank0 = Jvm.start("rank0", OpsChildRank.class.getName(), List.of(topology.toString(),
          c.placement[0].toJson().encode(), String.valueOf(BYTES)))) {
        c.startRanks(Set.of(0)); // completes once rank 0 is in every cache too
        Future<Void> f1 = alltoallv(c, 1);
        Future<Void> f2 = alltoallv(c, 2);
        rank0.awaitLine("submitted"::equals, 60, TimeUnit.SECONDS);
        OffloadEngine sp0 = c.sps.get(0).engine();
        OffloadEngine sp1 = c.sps.get(1).engine();
        Losses heard = observe(sp0);
        awaitStarted(sp0, 2); // ranks 0 and 2
        awaitStarted(sp1, 1); // rank 1
        rank0.kill();

        List<OperationException> failed = new java.util.ArrayList<>();
        for (Future<Void> f : List.of(f1, f2)) {
          OperationException e = failure(f);
          failed.add(e);
          assertEquals(OperationException.Kind.RANK_LOST, e.kind(), e.reason());
          assertTrue(e.reason().contains("rank 0 (group 0) was lost"), e.reason());
        }
        // the service process side: rank 0's service process told its handlers why, and that reason is the one
        // every member's failure carries, at both service processes (rank 1's came from service process 1)
        // the members' failures can come before the handlers are told (other threads): wait for that, then count
        Await.until(() -> "rank 0's service process told its handlers: " + heard.ranksLost,
            () -> !heard.reasonsForRank(0).isEmpty(), OpsCluster.WAIT, TimeUnit.SECONDS);
        List<String> why = heard.reasonsForRank(0);
        assertEquals(1, why.size(), "rank 0's service process told its handlers once: " + heard.ranksLost);
        assertFalse(why.get(0).isBlank());
        for (OperationException e : failed) {
          assertTrue(e.reason().contains("rank 0 (group 0) was lost: " + why.get(0)), e.reason() + " vs " + why);
        }
        OperationException late = failure(alltoallv(c, 3));
        assertEquals(OperationException.Kind.RANK_LOST, late.kind(), "a member arriving after the loss: " + late.reason());
        assertTrue(count(sp0, "offload.operations.failed") >= 1 && count(sp1, "offload.operations.failed") >= 2,
            "both service processes failed their ranks' operations");
        assertEquals(0, c.ranks.get(1).engine().operations().inFlight());
        assertEquals(0, sp1.operations().inFlight());
      }
    }
  }

  @Test
  void serviceProcessKilledMidOperationFailsItOnItsRanksAndTheOthers() throws Exception {
    try (OpsCluster c = new OpsCluster(1, 2, 4)) {
      c.startServiceProcesses(new JsonObject(), Set.of(1));
      Path topology = c.topologyFile();
      try (Jvm sp1 = Jvm.offload("sp1", "service", "--topology", topology.toString(), "--id", "1")) {
        sp1.awaitListeningPort();
        c.startRanks(Set.of());
        OffloadEngine sp0 = c.sps.get(0).engine();
        Losses heard = observe(sp0);
        Future<Void> f1 = alltoallv(c, 1); // served by the one killed
        Future<Void> f0 = alltoallv(c, 0); // served by service process 0
        awaitStarted(sp0, 1);
        sp1.kill();

        OperationException e1 = failure(f1);
        assertEquals(OperationException.Kind.SERVICE_PROCESS_LOST, e1.kind(), e1.reason());
        assertTrue(e1.reason().startsWith("lost service process 1 ("), "names the one lost: " + e1.reason());
        OperationException e0 = failure(f0);
        assertEquals(OperationException.Kind.SERVICE_PROCESS_LOST, e0.kind(), e0.reason());
        // either the loss event or a failed mesh send to the dead one comes first: both name it
        assertTrue(e0.reason().contains("service process 1 was lost")
            || e0.reason().contains("cannot reach service process 1"), e0.reason());
        assertEquals(0, c.ranks.get(1).engine().operations().inFlight());
        // the service process side: service process 0 failed rank 0's alltoallv, and its handlers were told of the
        // loss with a reason (when the loss event came first, that is the reason rank 0 got)
        Await.until("service process 0 failed rank 0's alltoallv", () -> count(sp0, "offload.operations.failed") >= 1,
            OpsCluster.WAIT, TimeUnit.SECONDS);
        Await.until(() -> "service process 0's handlers told of service process 1's loss: " + heard.serviceProcessesLost,
            () -> !heard.reasonsForServiceProcess(1).isEmpty(), OpsCluster.WAIT, TimeUnit.SECONDS);
        String why = heard.reasonsForServiceProcess(1).get(0);
        assertFalse(why.isBlank());
        if (e0.reason().contains("service process 1 was lost")) {
          assertTrue(e0.reason().contains("service process 1 was lost: " + why), e0.reason() + " vs " + why);
        }
        assertEquals(0, sp0.operations().inFlight());
      }
    }
  }

  @Test
  void userOperationInFlightFailsOnItsRankWhenItsServiceProcessIsKilled() throws Exception {
    try (OpsCluster c = new OpsCluster(1, 1, 1)) {
      c.startServiceProcesses(new JsonObject(), Set.of(0));
      Path topology = c.topologyFile();
      try (Jvm sp0 = Jvm.start("sp0", OpsChildServiceProcess.class.getName(), List.of(topology.toString(), "0",
          String.valueOf(NEVER_ENDS)))) {
        sp0.awaitLine("ready"::equals, 60, TimeUnit.SECONDS);
        c.startRanks(Set.of());
        OffloadEngine rank = c.ranks.get(0).engine();
        Future<Buffer> f = rank.operations().submit(c.ranks.get(0).client(), NEVER_ENDS, Buffer.buffer("args"));
        sp0.awaitLine(l -> l.startsWith("handling "), 60, TimeUnit.SECONDS); // in flight at the service process
        assertFalse(f.isComplete(), "the handler never ends it");
        assertEquals(1, rank.operations().inFlight());
        sp0.kill();

        OperationException e = failure(f);
        assertEquals(OperationException.Kind.SERVICE_PROCESS_LOST, e.kind(), e.reason());
        assertTrue(e.reason().startsWith("lost service process 0 ("), "names the one lost: " + e.reason());
        assertEquals(0, rank.operations().inFlight());
        String type = "type-" + NEVER_ENDS;
        assertEquals(1.0, count(rank, "offload.operations.failed", type, "rank"));
        assertEquals(0.0, count(rank, "offload.operations.completed", type, "rank"));
        // and a later submission through the dead link fails too, rather than waiting for good
        OperationException late = failure(rank.operations().submit(c.ranks.get(0).client(), NEVER_ENDS, Buffer.buffer()));
        assertTrue(late.kind() == OperationException.Kind.SERVICE_PROCESS_LOST
            || late.kind() == OperationException.Kind.CLOSED, late.kind() + ": " + late.reason());
      }
    }
  }

  @Test
  void userOperationInFlightFailsAtItsServiceProcessWhenItsRankIsKilled() throws Exception {
    try (OpsCluster c = new OpsCluster(1, 1, 1)) {
      c.startServiceProcesses(new JsonObject(), Set.of());
      OffloadEngine sp = c.sps.get(0).engine();
      Losses handler = new Losses();
      sp.operations().register(NEVER_ENDS, handler);
      Path topology = c.topologyFile();
      try (Jvm rank0 = Jvm.start("rank0", OpsChildRank.class.getName(), List.of(topology.toString(),
          c.placement[0].toJson().encode(), "type=" + NEVER_ENDS, "args"))) {
        rank0.awaitLine("submitted"::equals, 60, TimeUnit.SECONDS);
        Operation op = handler.arrived.get(OpsCluster.WAIT, TimeUnit.SECONDS);
        assertEquals(NEVER_ENDS, op.type());
        assertEquals("args", op.args().toString());
        assertEquals(0, op.source().rank());
        assertFalse(op.isDone());
        assertEquals(1, sp.operations().inFlight());
        rank0.kill();

        String type = "type-" + NEVER_ENDS;
        // the meter counts on the UCX thread before the handlers are told: wait for both
        Await.until("the service process failed the operation of the lost rank and told its handler",
            () -> count(sp, "offload.operations.failed", type, "service") == 1 && !handler.reasonsForRank(0).isEmpty(),
            OpsCluster.WAIT, TimeUnit.SECONDS);
        assertTrue(op.isDone(), "ended by the loss");
        assertEquals(0, sp.operations().inFlight());
        List<String> why = handler.reasonsForRank(0);
        assertEquals(1, why.size(), "the handler is told which rank went, once: " + handler.ranksLost);
        assertFalse(why.get(0).isBlank(), "with a reason");
        // the handler ending it now is ignored: nothing is counted, nothing sent
        op.complete(Buffer.buffer("too late"));
        CompletableFuture<Void> after = new CompletableFuture<>();
        sp.ucxContext().runOnContext(v -> after.complete(null)); // after the completion's hop to the UCX context
        after.get(OpsCluster.WAIT, TimeUnit.SECONDS);
        assertEquals(0.0, count(sp, "offload.operations.completed", type, "service"));
        assertEquals(1.0, count(sp, "offload.operations.failed", type, "service"));
      }
    }
  }
}
