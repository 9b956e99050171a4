package io.offload.fault;

import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening and closing 200 execution contexts in one JVM (servers and clients, on long-lived
 * engines, plus whole engines created and closed) leaves no thread and no file descriptor
 * behind: both return to their level before, within a small tolerance, after a bounded wait.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FinalizationLeakTest {

  static final int CONTEXTS = 200;
  static final int THREAD_TOLERANCE = 2;
  static final int FD_TOLERANCE = 4;

  static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  static int fds() {
    String[] names = new File("/proc/self/fd").list();
    return names == null ? -1 : names.length;
  }

  static String threadNames() {
    TreeMap<String, Integer> byPrefix = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      byPrefix.merge(t.getName().replaceAll("[-0-9]+$", ""), 1, Integer::sum);
    }
    return byPrefix.toString();
  }

  @Test
  void shouldReturnThreadsAndFileDescriptorsAfter200Contexts() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OffloadEngine server = Wait.get(OffloadEngine.create(vertx, new EngineOptions().setName("leak-sp")), 30);
      OffloadEngine ranks = Wait.get(OffloadEngine.create(vertx, new EngineOptions().setName("leak-ranks")), 30);
      // Warm up: event-loop threads, JUCX and Netty are created lazily by the first use.
      cycle(server, ranks, 0);
      cycle(server, ranks, 1);
      Wait.get(Wait.get(OffloadEngine.create(vertx), 30).close(), 30);
      // the closed engine's progress thread ends just after its close completes: only the two engines' remain
      Await.until(() -> "progress threads of the two engines only: " + threadNames(),
          () -> Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.isAlive() && t.getName().startsWith("ucx-progress-")).count() == 2, 10, TimeUnit.SECONDS);
      int threads0 = threads();
      int fds0 = fds();
      String names0 = threadNames();

      int opened = 0;
      for (int i = 0; opened < CONTEXTS; i++) {
        opened += cycle(server, ranks, i % 50);
        if (i % 10 == 9) { // now and then a whole engine (UCX context, worker, progress thread) too
          OffloadEngine e = Wait.get(OffloadEngine.create(vertx), 30);
          Wait.get(e.close(), 30);
        }
      }
      assertTrue(opened >= CONTEXTS);
      assertEquals(0, server.contexts().size(), "server contexts left open: " + server.contexts());
      assertEquals(0, ranks.contexts().size(), "client contexts left open: " + ranks.contexts());

      Await.until(() -> "threads back to " + threads0 + " (+" + THREAD_TOLERANCE + "), now " + threads() + ": "
          + threadNames() + " vs before " + names0, () -> threads() <= threads0 + THREAD_TOLERANCE, 15, TimeUnit.SECONDS);
      Await.until(() -> "fds back to " + fds0 + " (+" + FD_TOLERANCE + "), now " + fds() + ": " + fdTargets(),
          () -> fds() <= fds0 + FD_TOLERANCE, 15, TimeUnit.SECONDS);
      System.out.println("LEAK " + opened + " contexts opened and closed: threads " + threads0 + " -> " + threads()
          + ", fds " + fds0 + " -> " + fds());
      Wait.get(ranks.close(), 30);
      Wait.get(server.close(), 30);
    } finally {
      Wait.get(vertx.close(), 30);
    }
  }

  /** A server context and two clients of it, bootstrapped and closed: 3 contexts. */
  static int cycle(OffloadEngine server, OffloadEngine ranks, int i) throws Exception {
    ExecutionContext s = Wait.get(server.listen(new ServerOptions()), 30);
    ExecutionContext a = Wait.get(ranks.connect(new ClientOptions().setPort(s.localPort())
        .setRankInfo(RankInfo.of(0, 0, 2))), 30);
    ExecutionContext b = Wait.get(ranks.connect(new ClientOptions().setPort(s.localPort())
        .setRankInfo(RankInfo.of(0, 1, 2))), 30);
    assertEquals(BootstrapPhase.BOOTSTRAP_DONE, a.phase());
    assertEquals(BootstrapPhase.BOOTSTRAP_DONE, b.phase());
    if (i % 2 == 0) { // clients leave first, or the server goes first
      Wait.get(a.close(), 30);
      Wait.get(b.close(), 30);
      Wait.get(s.close(), 30);
    } else {
      Wait.get(s.close(), 30);
      Await.until("clients see the server leave", () -> a.phase() == BootstrapPhase.DISCONNECTED
          && b.phase() == BootstrapPhase.DISCONNECTED, 10, TimeUnit.SECONDS);
      Wait.get(a.close(), 30);
      Wait.get(b.close(), 30);
    }
    return 3;
  }

  static String fdTargets() {
    File[] fds = new File("/proc/self/fd").listFiles();
    if (fds == null) {
      return "?";
    }
    TreeMap<String, Integer> kinds = new TreeMap<>();
    for (File f : fds) {
      try {
        String target = java.nio.file.Files.readSymbolicLink(f.toPath()).toString();
        kinds.merge(target.replaceAll("[0-9]+", "N"), 1, Integer::sum);
      } catch (Exception e) {
        kinds.merge("?", 1, Integer::sum);
      }
    }
    return kinds.toString();
  }
}
