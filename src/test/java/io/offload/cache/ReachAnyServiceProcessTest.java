package io.offload.cache;

import io.offload.engine.OffloadEngine;
import io.offload.topology.RankInfo;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.verticles.Echo;
import io.offload.verticles.RankVerticle;
import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any service process reachable from a rank, over real UCX: two hosts, one service process each
 * (each with a memory region), ranks 0, 1 on host 0 and 2, 3 on host 1. Every rank gets the
 * directory of both service processes; rank 0, served by service process 0, links to service
 * process 1 on first use through the cache ({@code connectHandle}, or the synchronous
 * {@code handle} that starts the link on a miss), exchanges a notification with it and writes
 * into its region, and service process 1 still serves only its own ranks.
 */
class ReachAnyServiceProcessTest {

  static final long WAIT = 30;
  private Vertx vertx;
  private Topology topo;
  private RankInfo[] world;
  private final List<ServiceProcessVerticle> sps = new ArrayList<>();
  private final List<RankVerticle> ranks = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().await(WAIT, TimeUnit.SECONDS);
    }
  }

  /** Both service processes, then the 4 ranks; returns once every cache is whole. */
  private void start() throws Exception {
    vertx = Vertx.vertx();
    topo = Topology.onLoopback(2, 1);
    world = topo.placeBlock(0, 4);
    List<Future<String>> up = new ArrayList<>();
    for (ServiceProcessSpec s : topo.serviceProcesses()) {
      ServiceProcessVerticle v = new ServiceProcessVerticle();
      sps.add(v);
      up.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topo.toJson()).put("serviceProcessId", s.globalId()).put("memoryRegionBytes", 64))));
    }
    Future.all(up).await(WAIT, TimeUnit.SECONDS);
    up.clear();
    for (RankInfo r : world) {
      RankVerticle v = new RankVerticle();
      ranks.add(v);
      up.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject()
          .put("topology", topo.toJson()).put("client", new JsonObject().put("rank", r.toJson())))));
    }
    Future.all(up).await(WAIT, TimeUnit.SECONDS); // every cache whole
  }

  /** A notification to service process 1 and its echo back, a put into its region and a get, through {@code h}. */
  private void exercise(Handle h, String text) throws Exception {
    assertEquals(1, h.serviceProcessId());
    assertTrue(h.region().isPresent(), "the handle carries service process 1's region");
    Promise<String> echo = Promise.promise();
    var consumer = h.context().consumer(Echo.TYPE, n -> echo.tryComplete(n.payload().toString()));
    consumer.completion().await(WAIT, TimeUnit.SECONDS);
    h.context().notify(h.peerId(), Echo.TYPE, Buffer.buffer(text));
    assertEquals(text, echo.future().await(WAIT, TimeUnit.SECONDS));
    consumer.unregister().await(WAIT, TimeUnit.SECONDS);

    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer src = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    h.put(8, src).await(WAIT, TimeUnit.SECONDS);
    byte[] atSp1 = new byte[bytes.length];
    sps.get(1).region().get(8, atSp1);
    assertEquals(text, new String(atSp1, StandardCharsets.US_ASCII));
    ByteBuffer back = ByteBuffer.allocateDirect(bytes.length);
    h.get(8, back).await(WAIT, TimeUnit.SECONDS);
    assertEquals(ByteBuffer.wrap(bytes), back.rewind());
  }

  /** Service process 1 serves what it served: a link-only rank is no member there. */
  private void sp1ServesItsOwn() {
    OffloadEngine sp1 = sps.get(1).engine();
    assertEquals(4, sp1.cache().knownMembers(0));
    assertEquals(0, sp1.cache().serviceProcessOf(0, 0));
    assertEquals(CacheDigest.expected(topo, world), sp1.cache().digest(0));
  }

  @Test
  void aRankReachesAServiceProcessThatDoesNotServeItThroughItsHandle() throws Exception {
    start();
    OffloadEngine rank0 = ranks.get(0).engine();

    // the directory: both service processes, where to reach them
    for (RankVerticle r : ranks) {
      List<ServiceProcessAddress> dir = r.engine().cache().directory();
      assertEquals(2, dir.size(), dir.toString());
      for (ServiceProcessSpec s : topo.serviceProcesses()) {
        assertEquals(new ServiceProcessAddress(s.globalId(), s.hostId(), s.address(), s.rankPort()),
            dir.get(s.globalId()));
      }
    }

    // not linked yet: the synchronous lookup says how to link (and starts the link connectHandle shares)
    assertEquals(1, rank0.cache().serviceProcessOf(0, 3));
    CacheMissException notYet = assertThrows(CacheMissException.class, () -> rank0.cache().handleOf(0, 3));
    assertTrue(notYet.getMessage().contains("connectHandle"), notYet.getMessage());

    Handle h = rank0.cache().connectHandle(1).await(WAIT, TimeUnit.SECONDS);
    assertSame(h.context(), rank0.cache().handleOf(0, 3).context(), "now linked: the lookup answers");
    assertSame(h, rank0.cache().connectHandle(1).await(WAIT, TimeUnit.SECONDS), "linked once");
    assertEquals(2, rank0.contexts().size(), "one link-only context besides the rank's own: "
        + rank0.contexts());
    exercise(h, "rank 0 via its handle of service process 1");
    sp1ServesItsOwn();

    // a service process not in the directory
    ExecutionException none = assertThrows(ExecutionException.class, () -> rank0.cache().connectHandle(5)
        .toCompletionStage().toCompletableFuture().get(WAIT, TimeUnit.SECONDS));
    assertInstanceOf(CacheMissException.class, none.getCause());
    assertTrue(none.getCause().getMessage().contains("not in the directory here (it lists [0, 1])"),
        none.getCause().getMessage());

    // a service process reaches the others through the mesh: its handle is there at once
    assertEquals(1, sps.get(0).engine().cache().connectHandle(1).await(WAIT, TimeUnit.SECONDS).serviceProcessId());
  }

  @Test
  void theSynchronousHandleStartsTheLinkOnFirstUseAndAnswersOnceItIsUp() throws Exception {
    start();
    GroupCache cache = ranks.get(0).engine().cache();
    int contextsBefore = ranks.get(0).engine().contexts().size();

    // first use: a miss that says the link is being made, and how to have it
    CacheMissException first = assertThrows(CacheMissException.class, () -> cache.handle(1));
    assertTrue(first.getMessage().contains("no link to service process 1 yet: it is being made"), first.getMessage());
    assertTrue(first.getMessage().contains("retry handle(1) or use connectHandle(1)"), first.getMessage());
    // misses from several threads meanwhile share that one link
    List<Thread> others = new ArrayList<>();
    List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 100; i++) {
          try {
            assertEquals(1, cache.handle(1).serviceProcessId());
          } catch (CacheMissException e) {
            if (!e.getMessage().contains("it is being made")) {
              unexpected.add(e);
            }
          } catch (Throwable e) {
            unexpected.add(e);
          }
        }
      });
      others.add(th);
      th.start();
    }
    for (Thread th : others) {
      th.join(TimeUnit.SECONDS.toMillis(WAIT));
    }
    assertEquals(List.of(), unexpected);

    // polled (bounded): the lookup answers once the link is up, with the region
    Handle[] got = new Handle[1];
    io.offload.testkit.Await.until("handle(1) answers", () -> {
      try {
        got[0] = cache.handle(1);
        return true;
      } catch (CacheMissException e) {
        assertTrue(e.getMessage().contains("it is being made"), e.getMessage());
        return false;
      }
    }, WAIT, TimeUnit.SECONDS);
    Handle h = got[0];
    assertSame(h, cache.handle(1), "the same handle from now on");
    assertSame(h, cache.connectHandle(1).await(WAIT, TimeUnit.SECONDS), "connectHandle has the same link");
    assertEquals(contextsBefore + 1, ranks.get(0).engine().contexts().size(),
        "one link-only context for all the misses: " + ranks.get(0).engine().contexts());
    exercise(h, "rank 0 via the handle a miss linked");
    sp1ServesItsOwn();

    // a service process not in the directory: a plain miss, nothing started
    CacheMissException none = assertThrows(CacheMissException.class, () -> cache.handle(5));
    assertTrue(none.getMessage().contains("no handle for service process 5"), none.getMessage());
    assertEquals(contextsBefore + 1, ranks.get(0).engine().contexts().size());
  }
}
