package io.offload.notify.impl;

import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery driven by hand, no UCX: its "progress thread" is this test thread, running the tasks
 * Delivery queues for it inside a real Vert.x context ({@link #progress}); consumers registered
 * there are called inline, consumers registered on another real context get their calls there.
 */
class DeliveryTest {

  static final int T = 2000;
  static final int T2 = 2001;
  static Vertx vertx;

  /** The progress thread's context: tasks and arrivals run inside it, on this thread. */
  ContextInternal progress;
  final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  StatsCounters stats;
  Delivery delivery;
  Routes x;
  Routes y;
  /** What inline consumers got, as "consumer:context:eventId:payload". */
  final List<String> got = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void setUp() {
    progress = ((VertxInternal) vertx).createEventLoopContext();
    limits(100, 1 << 20);
  }

  /** A fresh delivery with these pending limits. */
  void limits(int maxPending, long maxPendingBytes) {
    stats = new StatsCounters(null);
    delivery = new Delivery(vertx, tasks::add, progress, maxPending, maxPendingBytes, stats);
    x = delivery.newRoutes(null, "ctx-x");
    y = delivery.newRoutes(null, "ctx-y");
  }

  // ------------------------------------------------------------------ driving

  <V> V on(ContextInternal ctx, Supplier<V> s) {
    ContextInternal prev = ctx.beginDispatch();
    try {
      return s.get();
    } finally {
      ctx.endDispatch(prev);
    }
  }

  /** Runs what Delivery queued for the progress thread (and what that queues), in order. */
  void runTasks() {
    Runnable r;
    while ((r = tasks.poll()) != null) {
      Runnable task = r;
      on(progress, () -> {
        task.run();
        return null;
      });
    }
  }

  /** A consumer registered from the progress thread's context: called inline, recorded in {@link #got}. */
  NotificationConsumer inline(String name, Routes routes, int type) {
    return on(progress, () -> register(routes, type, n -> got.add(name + ":" + n.contextId() + ":"
        + n.eventId() + ":" + n.payload())));
  }

  /** Registers on the caller's context, payloads in the library's memory (no allocator). */
  NotificationConsumer register(Routes routes, int type, io.vertx.core.Handler<Notification> handler) {
    return delivery.register(routes, type, null, handler);
  }

  static NotificationImpl note(Routes r, int type, long id, String payload) {
    return new NotificationImpl(type, null, r.contextId, 0, null, id, Buffer.buffer(payload));
  }

  /** An arrival on the progress thread; {@code lent}: the instance is reused once this returns. */
  void arrive(Routes r, NotificationImpl n, boolean lent) {
    on(progress, () -> {
      delivery.arrived(r, n, lent);
      return null;
    });
    if (lent) {
      n.set(-1, null, "reused", -1, null, -1, Buffer.buffer("reused")); // what the arrival path does next
    }
  }

  void arrive(Routes r, int type, long id) {
    arrive(r, note(r, type, id, "p" + id), true);
  }

  // ------------------------------------------------------------------ routing

  @Test
  void shouldRouteToTheContextConsumerBeforeTheEngineWideOne() {
    NotificationConsumer wide = inline("E", null, T);
    NotificationConsumer own = inline("C", x, T);
    runTasks();
    assertTrue(wide.completion().succeeded() && own.completion().succeeded());

    arrive(x, T, 0);
    arrive(y, T, 0);
    arrive(x, T, 1);
    arrive(x, T2, 0);
    assertEquals(List.of("C:ctx-x:0:p0", "E:ctx-y:0:p0", "C:ctx-x:1:p1"), got,
        "x's own consumer; y has none of type T: the engine-wide one");
    assertEquals(1, delivery.pendingCount(), "type T2 has no consumer anywhere: kept");
  }

  @Test
  void shouldReRouteWhenConsumersUnregister() {
    NotificationConsumer wide = inline("E", null, T);
    NotificationConsumer own = inline("C", x, T);
    runTasks();
    arrive(x, T, 0);

    var unregistered = own.unregister();
    assertSame(unregistered, own.unregister(), "idempotent");
    runTasks();
    assertTrue(unregistered.succeeded());
    arrive(x, T, 1);
    assertEquals(List.of("C:ctx-x:0:p0", "E:ctx-x:1:p1"), got, "without its own consumer, x's arrivals go engine-wide");

    wide.unregister();
    runTasks();
    arrive(x, T, 2);
    assertEquals(2, got.size(), "no consumer at all: kept");
    assertEquals(1, delivery.pendingCount());

    inline("C2", x, T);
    runTasks();
    assertEquals("C2:ctx-x:2:p2", got.get(2), "handed over at registration");
    assertEquals(0, delivery.pendingCount());
  }

  @Test
  void shouldRefuseASecondConsumerOfATypeAndKeepTheFirst() {
    NotificationConsumer first = inline("C1", x, T);
    NotificationConsumer second = inline("C2", x, T);
    NotificationConsumer wide = inline("E1", null, T);
    NotificationConsumer wide2 = inline("E2", null, T);
    runTasks();
    assertTrue(first.completion().succeeded());
    assertTrue(second.completion().failed());
    assertEquals("type " + T + " already has a consumer on ctx-x; unregister it first",
        second.completion().cause().getMessage());
    assertTrue(wide.completion().succeeded());
    assertEquals("type " + T + " already has a consumer engine-wide; unregister it first",
        wide2.completion().cause().getMessage());

    second.unregister(); // the refused one: must not take the first one with it
    wide2.unregister();
    runTasks();
    arrive(x, T, 0);
    arrive(y, T, 0);
    assertEquals(List.of("C1:ctx-x:0:p0", "E1:ctx-y:0:p0"), got);
  }

  // ------------------------------------------------------------------ the pending store

  @Test
  void shouldKeepArrivalsInOrderAndHandThemOverBeforeAnythingNewer() {
    arrive(x, T, 0);
    arrive(x, T, 1);
    arrive(x, T, 2);
    assertEquals(3, delivery.pendingCount());
    assertTrue(got.isEmpty());

    NotificationConsumer c = inline("C", x, T);
    arrive(x, T, 3); // the registration has not reached the progress thread yet: kept behind the others
    assertEquals(4, delivery.pendingCount());
    runTasks();
    assertTrue(c.completion().succeeded());
    arrive(x, T, 4);
    assertEquals(List.of("C:ctx-x:0:p0", "C:ctx-x:1:p1", "C:ctx-x:2:p2", "C:ctx-x:3:p3", "C:ctx-x:4:p4"), got,
        "kept ones in arrival order, each with its own payload (the lent instance was copied), then the new one");
    assertEquals(0, delivery.pendingCount());
  }

  @Test
  void shouldHandTheKeptArrivalsOfEveryContextToANewEngineWideConsumer() {
    arrive(x, T, 0);
    arrive(y, T, 0);
    arrive(x, T, 1);
    arrive(y, T2, 0);
    inline("E", null, T);
    runTasks();
    List<String> fromX = got.stream().filter(s -> s.contains("ctx-x")).toList();
    assertEquals(List.of("E:ctx-x:0:p0", "E:ctx-x:1:p1"), fromX);
    assertEquals(List.of("E:ctx-y:0:p0"), got.stream().filter(s -> s.contains("ctx-y")).toList());
    assertEquals(1, delivery.pendingCount(), "only type T was handed over");

    inline("C", y, T2);
    runTasks();
    assertEquals("C:ctx-y:0:p0", got.get(3));
    assertEquals(0, delivery.pendingCount());
  }

  @Test
  void shouldBoundThePendingStoreByCountDroppingTheNewestAndCountingThem() {
    limits(3, 1 << 20);
    for (int i = 0; i < 5; i++) {
      arrive(x, T, i);
    }
    assertEquals(3, delivery.pendingCount());
    assertEquals(2, stats.pendingDropped());
    inline("C", x, T);
    runTasks();
    assertEquals(List.of("C:ctx-x:0:p0", "C:ctx-x:1:p1", "C:ctx-x:2:p2"), got, "the first three, in order");

    for (int i = 0; i < 3; i++) {
      arrive(y, T, i); // room again once handed over
    }
    assertEquals(3, delivery.pendingCount());
    assertEquals(2, stats.pendingDropped());
    arrive(y, T, 3);
    assertEquals(3, stats.pendingDropped(), "the limit is over all contexts");
  }

  @Test
  void shouldBoundThePendingStoreByPayloadBytes() {
    limits(100, 10);
    arrive(x, note(x, T, 0, "aaaa"), true); // 4
    arrive(x, note(x, T, 1, "bbbb"), true); // 8
    arrive(x, note(x, T, 2, "cccc"), true); // 12 > 10: dropped
    arrive(x, note(x, T, 3, "dd"), true);   // 10: kept
    arrive(x, note(x, T, 4, "e"), false);   // 11: dropped
    assertEquals(3, delivery.pendingCount());
    assertEquals(2, stats.pendingDropped());
    inline("C", x, T);
    runTasks();
    assertEquals(List.of("C:ctx-x:0:aaaa", "C:ctx-x:1:bbbb", "C:ctx-x:3:dd"), got);

    arrive(y, note(y, T, 0, "0123456789"), true);
    assertEquals(1, delivery.pendingCount(), "the bytes handed over are free again");
    arrive(y, note(y, T, 1, "0123456789A"), true);
    assertEquals(3, stats.pendingDropped(), "a payload larger than the whole store");
  }

  // ------------------------------------------------------------------ contexts, threads

  @Test
  void shouldDropEverythingOfAClosedContextAndReleaseItsKeptArrivals() {
    limits(2, 1 << 20);
    inline("C", x, T);
    inline("E", null, T2 + 1);
    runTasks();
    arrive(x, T2, 0);
    arrive(x, T2, 1);
    assertEquals(2, delivery.pendingCount());

    delivery.close(x);
    runTasks();
    assertEquals(0, delivery.pendingCount());
    arrive(x, T, 2);
    arrive(x, T2 + 1, 3);
    arrive(x, T2, 4);
    assertTrue(got.isEmpty(), "a closed context delivers nothing, not even engine-wide");
    assertEquals(0, delivery.pendingCount(), "and keeps nothing");
    NotificationConsumer late = inline("C2", x, T2);
    runTasks();
    assertTrue(late.completion().failed());
    assertEquals("ctx-x is closed", late.completion().cause().getMessage());

    arrive(y, T2, 0);
    arrive(y, T2, 1);
    assertEquals(2, delivery.pendingCount(), "x's kept arrivals no longer count against the limit");
    assertEquals(0, stats.pendingDropped());
  }

  @Test
  void shouldCallAConsumerOfAnotherContextThereWithItsOwnCopy() throws Exception {
    ContextInternal other = ((VertxInternal) vertx).createEventLoopContext();
    List<Notification> there = Collections.synchronizedList(new ArrayList<>());
    List<Boolean> onItsContext = Collections.synchronizedList(new ArrayList<>());
    NotificationConsumer c = on(other, () -> register(x, T, n -> {
      there.add(n);
      onItsContext.add(((ContextInternal) vertx.getOrCreateContext()).unwrap() == other.unwrap());
    }));
    List<Notification> inlineGot = new ArrayList<>();
    on(progress, () -> register(y, T, inlineGot::add));
    runTasks();

    NotificationImpl lent = note(x, T, 7, "mine");
    on(progress, () -> {
      delivery.arrived(x, lent, true);
      return null;
    });
    lent.set(T, null, "ctx-x", 0, null, 8, Buffer.buffer("overwritten"));
    NotificationImpl lentInline = note(y, T, 9, "inline");
    on(progress, () -> {
      delivery.arrived(y, lentInline, true);
      return null;
    });
    assertEquals(1, inlineGot.size(), "an inline consumer is called during the arrival");
    assertSame(lentInline, inlineGot.get(0), "and lent the instance itself: no copy");

    Promise<Void> barrier = Promise.promise();
    other.runOnContext(v -> barrier.complete()); // queued behind the delivery
    barrier.future().await(10, TimeUnit.SECONDS);
    assertEquals(1, there.size());
    assertNotSame(lent, there.get(0), "a consumer elsewhere gets a copy");
    assertEquals(7, there.get(0).eventId());
    assertEquals("mine", there.get(0).payload().toString());
    assertEquals(List.of(true), onItsContext, "called inside the context it registered from");
    assertTrue(c.completion().succeeded());
  }

  @Test
  void shouldReportAFailureOfAConsumerOfAnotherContextToThatContext() throws Exception {
    ContextInternal other = ((VertxInternal) vertx).createEventLoopContext();
    Promise<Throwable> reported = Promise.promise();
    other.exceptionHandler(reported::tryComplete);
    on(other, () -> register(x, T, n -> {
      throw new IllegalStateException("consumer bug " + n.eventId());
    }));
    runTasks();
    arrive(x, T, 5);
    assertEquals("consumer bug 5", reported.future().await(10, TimeUnit.SECONDS).getMessage());
  }

  @Test
  void shouldReportAnInlineConsumerFailureAndKeepDelivering() {
    List<Throwable> reported = new ArrayList<>();
    progress.exceptionHandler(reported::add);
    on(progress, () -> register(x, T, n -> {
      got.add("C:" + n.eventId());
      if (n.eventId() == 0) {
        throw new IllegalStateException("consumer bug");
      }
    }));
    runTasks();
    arrive(x, T, 0);
    arrive(x, T, 1);
    assertEquals(List.of("C:0", "C:1"), got);
    assertEquals(1, reported.size());
    assertEquals("consumer bug", reported.get(0).getMessage());
    assertFalse(reported.get(0) instanceof AssertionError);
  }
}
