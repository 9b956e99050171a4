package io.offload.cache;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.mesh.ServiceMesh;
import io.offload.testkit.Await;
import io.offload.topology.RankInfo;
import io.offload.topology.Topology;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Conflicting claims that two service processes admitted before their mesh link was up are
 * reported to the ranks, over real sockets and UCX: the same rank of group 5 claimed at both,
 * and group 6 claimed with size 2 at one and 3 at the other. Once the mesh comes up, each
 * claimant's wait for its group fails with the reason, and so does a later one; a member
 * joining afterwards is told too; when the conflicting claimant leaves, the group is handed out.
 */
class CrossServiceProcessConflictTest {

  static final long WAIT = 30;
  private Vertx vertx;

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().await(WAIT, TimeUnit.SECONDS);
    }
  }

  private OffloadEngine engine(String name) throws Exception {
    return OffloadEngine.create(vertx, new EngineOptions().setName(name)).await(WAIT, TimeUnit.SECONDS);
  }

  private ExecutionContext rank(OffloadEngine e, Topology topo, int sp, RankInfo r) throws Exception {
    return e.connect(new ClientOptions().setPort(topo.serviceProcess(sp).rankPort()).setRankInfo(r)
        .setConnectTimeout(Duration.ofSeconds(10))).await(WAIT, TimeUnit.SECONDS);
  }

  static String failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.toCompletionStage().toCompletableFuture().get(WAIT, TimeUnit.SECONDS));
    assertInstanceOf(CacheMissException.class, e.getCause());
    return e.getCause().getMessage();
  }

  @Test
  void conflictsFoundWhenTheMeshComesUpAreReportedToTheRanks() throws Exception {
    vertx = Vertx.vertx();
    Topology topo = Topology.onLoopback(2, 1);
    OffloadEngine[] sp = new OffloadEngine[2];
    for (int i = 0; i < 2; i++) {
      sp[i] = engine("conf-sp" + i);
      sp[i].listen(new ServerOptions().setPort(topo.serviceProcess(i).rankPort()).setServiceProcessId(i))
          .await(WAIT, TimeUnit.SECONDS);
    }
    // each service process admits what it sees: no mesh yet
    OffloadEngine a = engine("conf-a");
    OffloadEngine b = engine("conf-b");
    OffloadEngine c = engine("conf-c");
    OffloadEngine d = engine("conf-d");
    rank(a, topo, 0, new RankInfo(5, 0, 2, 0, 1, 0));
    ExecutionContext bLink = rank(b, topo, 1, new RankInfo(5, 0, 2, 0, 1, 1)); // rank 0 again, elsewhere
    rank(c, topo, 0, new RankInfo(6, 0, 2, 0, 1, 0));
    rank(d, topo, 1, new RankInfo(6, 1, 3, 0, 1, 1)); // group 6 of another size
    Future<Void> aWaits = a.cache().whenComplete(5);
    Future<Void> bWaits = b.cache().whenComplete(5);
    Future<Void> cWaits = c.cache().whenComplete(6);
    Future<Void> dWaits = d.cache().whenComplete(6);

    for (int i = 0; i < 2; i++) {
      ServiceMesh.start(sp[i], topo, i, null, Duration.ofSeconds(20)).await(WAIT, TimeUnit.SECONDS);
    }
    assertEquals("conflicting claims: rank 0 of group 5 is claimed at service process 0 and at service process 1 "
        + "(two processes claim the same rank)", failure(aWaits));
    assertEquals("conflicting claims: rank 0 of group 5 is claimed at service process 1 and at service process 0 "
        + "(two processes claim the same rank)", failure(bWaits));
    assertEquals("conflicting claims: group 6 has size 2 at service process 0 but size 3 at service process 1 (its "
        + "rank 1 claims so)", failure(cWaits));
    assertEquals("conflicting claims: group 6 has size 3 at service process 1 but size 2 at service process 0 (its "
        + "rank 0 claims so)", failure(dWaits));
    assertEquals(failure(aWaits), failure(a.cache().whenComplete(5)), "later waits fail too while it holds");
    // each service process kept its own claimant
    assertEquals(0, sp[0].cache().serviceProcessOf(5, 0));
    assertEquals(1, sp[1].cache().serviceProcessOf(5, 0));

    // a member joining afterwards is told, though the group is whole at its service process
    OffloadEngine e = engine("conf-e");
    rank(e, topo, 0, new RankInfo(5, 1, 2, 0, 1, 0));
    Await.until("the group is whole at service process 0", () -> sp[0].cache().isComplete(5), WAIT, TimeUnit.SECONDS);
    Await.until("the newcomer is told", () -> e.cache().whenComplete(5).failed(), WAIT, TimeUnit.SECONDS);
    assertEquals(failure(aWaits), failure(e.cache().whenComplete(5)));

    // the other claimant leaves: the conflict is over, and the group is handed to its members
    bLink.close().await(WAIT, TimeUnit.SECONDS);
    for (OffloadEngine member : new OffloadEngine[] {a, e}) {
      Await.until(member.id() + " gets the group", () -> member.cache().isComplete(5), WAIT, TimeUnit.SECONDS);
      member.cache().whenComplete(5).await(WAIT, TimeUnit.SECONDS);
    }
    assertEquals(0, a.cache().serviceProcessOf(5, 1));
  }
}
