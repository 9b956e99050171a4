package io.offload.context;

import io.offload.topology.RankInfo;

import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.Notification;
import io.offload.testkit.EngineMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bootstrap and notifications between engines of one JVM, each test in both modes: engines with
 * their own progress threads, and caller-driven engines (an application worker each, progressed
 * by a test thread's loop).
 */
@ExtendWith(VertxExtension.class)
class BootstrapInOneJvmTest {

  static final int CLIENTS = 16;

  private EngineMode.Engines engineSet;

  @AfterEach
  void closeEngines() throws InterruptedException {
    if (engineSet != null) {
      engineSet.close();
    }
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void sixteenClientsReachBootstrapDoneAndServerListsThem(EngineMode mode, Vertx vertx, VertxTestContext test) {
    engineSet = mode.engines();
    List<OffloadEngine> engines = new ArrayList<>();
    engineSet.create(vertx, new EngineOptions().setName("sp")).compose(sp -> {
      engines.add(sp);
      return sp.listen(new ServerOptions().setServiceProcessId(7)).compose(server -> {
        int port = server.localPort();
        List<Future<ExecutionContext>> clients = new ArrayList<>();
        for (int r = 0; r < CLIENTS; r++) {
          int rank = r;
          clients.add(engineSet.create(vertx, new EngineOptions().setName("rank" + r)).compose(e -> {
            synchronized (engines) {
              engines.add(e);
            }
            return e.connect(new ClientOptions().setPort(port).setRankInfo(new RankInfo(3, rank, CLIENTS, rank % 4, 4, rank / 4)));
          }));
        }
        return Future.all(clients).map(all -> {
          for (int r = 0; r < CLIENTS; r++) {
            ExecutionContext c = all.resultAt(r);
            assertEquals(BootstrapPhase.BOOTSTRAP_DONE, c.phase());
            assertEquals(Role.CLIENT, c.role());
            assertEquals(7, c.peer(0).orElseThrow().serviceProcessId());
          }
          return server;
        });
      });
    }).compose(server -> awaitServerDone(vertx, server).map(server)).onComplete(test.succeeding(server -> test.verify(() -> {
      assertEquals(CLIENTS, server.peers().size());
      Set<Integer> ranks = new TreeSet<>();
      for (Peer p : server.peers()) {
        assertEquals(BootstrapPhase.BOOTSTRAP_DONE, p.phase());
        RankInfo ri = p.rankInfo().orElseThrow();
        assertEquals(3, ri.groupId());
        assertEquals(CLIENTS, ri.groupSize());
        assertEquals(ri.rank() % 4, ri.localRank());
        assertEquals(ri.rank() / 4, ri.hostId());
        ranks.add(ri.rank());
      }
      assertEquals(CLIENTS, ranks.size());
      assertEquals(BootstrapPhase.BOOTSTRAP_DONE, server.phase());
      Future.all(engines.stream().map(OffloadEngine::close).collect(Collectors.toList()))
          .onComplete(test.succeedingThenComplete());
    })));
  }

  /** The server side finishes a moment after the client (it waits for READY). */
  static Future<Void> awaitServerDone(Vertx vertx, ExecutionContext server) {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    long[] id = new long[1];
    id[0] = vertx.setPeriodic(5, t -> {
      if (server.phase() == BootstrapPhase.BOOTSTRAP_DONE && server.peers().size() == CLIENTS) {
        vertx.cancelTimer(id[0]);
        p.tryComplete();
      }
    });
    return p.future();
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void notificationsFlowBothWays(EngineMode mode, Vertx vertx, VertxTestContext test) {
    engineSet = mode.engines();
    int type = 2000;
    engineSet.create(vertx, new EngineOptions().setName("spn")).compose(sp ->
        sp.listen(new ServerOptions()).compose(server ->
            engineSet.create(vertx, new EngineOptions().setName("rankn")).compose(rank ->
                rank.connect(new ClientOptions().setPort(server.localPort()).setRankInfo(RankInfo.of(0, 0, 1)))
                    .compose(client -> {
                      // server echoes to the sender
                      sp.consumer(type, n -> {
                        server.notify(n.peerId(), type, Buffer.buffer("pong:").appendBuffer(n.payload()));
                      });
                      io.vertx.core.Promise<String> reply = io.vertx.core.Promise.promise();
                      client.consumer(type, m -> reply.tryComplete(m.payload().toString()));
                      return client.notify(0, type, Buffer.buffer("ping")).compose(v -> reply.future())
                          .compose(s -> rank.close().compose(v -> sp.close()).map(s));
                    }))))
        .onComplete(test.succeeding(s -> test.verify(() -> {
          assertEquals("pong:ping", s);
          test.completeNow();
        })));
  }
}
