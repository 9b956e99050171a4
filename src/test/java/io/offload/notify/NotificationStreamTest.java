package io.offload.notify;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.offload.testkit.EngineMode;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100,000 notifications of mixed sizes (0 B to 1 MiB, plus 64 MiB ones through UCX rendezvous)
 * from 4 clients to one server: each arrives exactly once, in per-sender order, bytes intact. In
 * both modes: engines with their own progress threads, and caller-driven engines on application
 * workers progressed by test threads.
 */
@ExtendWith(VertxExtension.class)
class NotificationStreamTest {

  static final int TYPE = 3000;
  static final int CLIENTS = 4;
  static final int PER_CLIENT = 25_000;
  static final int HUGE = 64 << 20;
  static final int WINDOW = 128;

  /** Size of the i-th notification of a sender. */
  static int sizeOf(int i, Random rnd) {
    if (i % 5000 == 4999) {
      return 1 << 20;
    }
    if (i % 100 == 50) {
      return 64 << 10;
    }
    if (i % 7 == 0) {
      return 0;
    }
    return rnd.nextInt(4097);
  }

  /** Random bytes; the last 8 carry the CRC32 of the rest (when there is room). */
  static Buffer payload(int size, Random rnd) {
    byte[] b = new byte[size];
    rnd.nextBytes(b);
    if (size >= 8) {
      CRC32 crc = new CRC32();
      crc.update(b, 0, size - 8);
      Buffer buf = Buffer.buffer(b);
      buf.setLong(size - 8, crc.getValue());
      return buf;
    }
    return Buffer.buffer(b);
  }

  static boolean intact(Buffer b) {
    int n = b.length();
    if (n < 8) {
      return true;
    }
    CRC32 crc = new CRC32();
    crc.update(b.getBytes(0, n - 8));
    return crc.getValue() == b.getLong(n - 8);
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void everyNotificationArrivesOnceInOrderAndIntact(EngineMode mode, Vertx vertx) throws Exception {
    EngineMode.Engines engines = mode.engines();
    OffloadEngine sp = engines.create(vertx, new EngineOptions().setName("stream-sp")).await(30, TimeUnit.SECONDS);
    List<OffloadEngine> ranks = new ArrayList<>();
    try {
      ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
      int hugeSenders = 2;
      long expected = (long) CLIENTS * PER_CLIENT + hugeSenders;
      Map<Integer, Long> nextEventId = new ConcurrentHashMap<>();
      List<String> errors = new CopyOnWriteArrayList<>();
      AtomicLong arrived = new AtomicLong();
      AtomicLong hugeArrived = new AtomicLong();
      Promise<Void> all = Promise.promise();
      // consumer on the UCX context: arrivals without a thread hop
      Promise<Void> registered = Promise.promise();
      sp.ucxContext().runOnContext(v -> server.consumer(TYPE, n -> {
        long want = nextEventId.getOrDefault(n.peerId(), 1L); // event 0 of each sender was its bootstrap probe
        if (n.eventId() != want) {
          errors.add("peer " + n.peerId() + ": event " + n.eventId() + " arrived, expected " + want);
        }
        nextEventId.put(n.peerId(), n.eventId() + 1);
        if (!intact(n.payload())) {
          errors.add("peer " + n.peerId() + " event " + n.eventId() + ": checksum mismatch (" + n.payload().length() + " B)");
        }
        if (n.payload().length() == HUGE) {
          hugeArrived.incrementAndGet();
        }
        if (arrived.incrementAndGet() == expected) {
          all.tryComplete();
        }
      }).completion().onComplete(registered));
      registered.future().await(10, TimeUnit.SECONDS);

      List<Future<Void>> senders = new ArrayList<>();
      AtomicIntegerArray issued = new AtomicIntegerArray(CLIENTS);
      AtomicIntegerArray completed = new AtomicIntegerArray(CLIENTS);
      for (int c = 0; c < CLIENTS; c++) {
        OffloadEngine e = engines.create(vertx, new EngineOptions().setName("stream-rank" + c)).await(30, TimeUnit.SECONDS);
        ranks.add(e);
        ExecutionContext client = e.connect(new ClientOptions().setPort(server.localPort())
            .setRankInfo(RankInfo.of(0, c, CLIENTS))).await(10, TimeUnit.SECONDS);
        senders.add(stream(vertx, client, c, c < hugeSenders, issued, completed));
      }
      Supplier<String> state = () -> state(sp, ranks, issued, completed, arrived.get(), expected);
      awaitOrExplain(Future.all(senders), "every send completes", state);
      awaitOrExplain(all.future(), "every notification arrives", state);
      assertTrue(errors.isEmpty(), () -> errors.size() + " errors, first: " + errors.subList(0, Math.min(5, errors.size())));
      assertEquals(expected, arrived.get());
      assertEquals(hugeSenders, hugeArrived.get(), "64 MiB notifications (rendezvous)");
      assertEquals(CLIENTS, nextEventId.size());
      assertEquals(0, sp.notificationStats().duplicates());
      assertEquals(expected + CLIENTS, sp.notificationStats().received(), "user notifications + one bootstrap probe per client");
      NotifyStats rs = ranks.get(0).notificationStats();
      assertTrue(rs.eventsReused() > 10 * rs.eventsCreated(),
          "send events come from the pool: created " + rs.eventsCreated() + ", reused " + rs.eventsReused());
    } finally {
      for (OffloadEngine e : ranks) {
        e.close().await(30, TimeUnit.SECONDS);
      }
      sp.close().await(30, TimeUnit.SECONDS);
      engines.close();
    }
  }

  /** Waits up to 180 s; a timeout fails with where every side stands and a dump of the engine threads. */
  static void awaitOrExplain(Future<?> f, String what, Supplier<String> state) throws Exception {
    try {
      f.await(180, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      StringBuilder dump = new StringBuilder();
      Thread.getAllStackTraces().forEach((t, frames) -> {
        dump.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
        for (StackTraceElement f1 : frames) {
          dump.append("    at ").append(f1).append('\n');
        }
      });
      System.out.println("NotificationStreamTest stuck: " + state.get() + "\n" + dump);
      throw new AssertionError("timed out waiting until " + what + ": " + state.get(), e);
    }
  }

  static String state(OffloadEngine sp, List<OffloadEngine> ranks, AtomicIntegerArray issued,
                      AtomicIntegerArray completed, long arrived, long expected) {
    StringBuilder b = new StringBuilder("arrived " + arrived + "/" + expected + "; sp " + stats(sp));
    for (int c = 0; c < ranks.size(); c++) {
      b.append("; rank").append(c).append(" issued ").append(issued.get(c)).append(" completed ")
          .append(completed.get(c)).append(' ').append(stats(ranks.get(c)));
    }
    return b.toString();
  }

  static String stats(OffloadEngine e) {
    NotifyStats s = e.notificationStats();
    return "[sent " + s.sent() + " failed " + s.sendFailures() + " received " + s.received() + " inFlight "
        + s.inFlight() + " queued " + s.queued() + " pending " + s.pending() + " dropped " + s.pendingDropped() + "]";
  }

  /** Sends PER_CLIENT notifications with at most WINDOW outstanding, grouped per 1000 in meta-events. */
  static Future<Void> stream(Vertx vertx, ExecutionContext client, int id, boolean huge,
                             AtomicIntegerArray issued, AtomicIntegerArray completed) {
    Promise<Void> done = Promise.promise();
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(v -> new Object() {
      final Random rnd = new Random(id);
      int next;
      int outstanding;
      EventGroup group = new EventGroup();
      final List<Future<Void>> groups = new ArrayList<>();

      /** A send that throws instead of returning a failed future must fail the test, not stall it. */
      void pumpOrFail() {
        try {
          pump();
        } catch (Throwable t) {
          done.tryFail(t);
        }
      }

      /**
       * A send's future may be complete before its listener is added; the listener then runs at once,
       * inside send: it must not pump again from there (a nested pump sent one notification twice and
       * left {@code next} past the end, so the sender never finished).
       */
      boolean pumping;

      void pump() {
        if (pumping) {
          return;
        }
        pumping = true;
        try {
          while (outstanding < WINDOW && next < PER_CLIENT) {
            int i = next++;
            if (huge && i == PER_CLIENT / 2) {
              send(payload(HUGE, rnd));
            }
            send(payload(sizeOf(i, rnd), rnd));
            if (next % 1000 == 0) {
              groups.add(group.seal());
              group = new EventGroup();
            }
          }
        } finally {
          pumping = false;
        }
        if (next == PER_CLIENT && outstanding == 0) {
          Future.all(groups).onSuccess(x -> done.tryComplete()).onFailure(done::tryFail);
        }
      }

      void send(Buffer b) {
        outstanding++;
        issued.incrementAndGet(id);
        Future<Void> f = client.notify(0, TYPE, b);
        group.add(f);
        f.onComplete(ar -> {
          outstanding--;
          completed.incrementAndGet(id);
          if (ar.failed()) {
            done.tryFail(ar.cause());
          } else {
            pumpOrFail();
          }
        });
      }
    }.pumpOrFail());
    return done.future();
  }
}
