package io.offload.fault;

import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.PhaseChange;
import io.offload.topology.RankInfo;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.Notification;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A child-process rank for the kill matrix and the soak, built on the library (test code only):
 * <pre>
 *   FaultRank PORT GROUP RANK SIZE INCARNATION idle|stream [RATE_PER_S]
 * </pre>
 * It bootstraps and prints {@code BOOTSTRAP_DONE <clientId>}. In {@code stream} mode it sends
 * {@link #STREAM} notifications whose payload is (incarnation, sequence) and prints
 * {@code acked N} whenever the first N sends have all completed (so the test knows what the
 * sender saw complete before it was killed). Whatever mode, it checks the {@link #STREAM}
 * notifications the server sends it arrive in order, exactly once, and prints {@code got N},
 * or {@code recv-error ...}. It prints {@code lost REASON} and exits when its server is gone.
 */
public final class FaultRank {

  static final int STREAM = 4343;
  private static final int WINDOW = 64;

  private FaultRank() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    RankInfo rank = new RankInfo(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
        Integer.parseInt(args[2]), Integer.parseInt(args[3]), 0);
    long incarnation = Long.parseLong(args[4]);
    boolean stream = args[5].equals("stream");
    int rate = args.length > 6 ? Integer.parseInt(args[6]) : 2000;
    Vertx vertx = Vertx.vertx();
    OffloadEngine engine = OffloadEngine.create(vertx, new EngineOptions().setName("fr" + rank.rank() + "i" + incarnation)
        .setRankInfo(rank)).await(30, TimeUnit.SECONDS);
    CountDownLatch lost = new CountDownLatch(1);
    vertx.eventBus().<PhaseChange>localConsumer(engine.phaseAddress(), m -> {
      if (m.body().to() == BootstrapPhase.DISCONNECTED && m.body().peerId() >= 0) {
        say("lost " + m.body().reason());
        lost.countDown();
      }
    });
    // Receiving side: the server's stream must come in order, once each.
    long[] expected = {0};
    long[] reported = {-1};
    ExecutionContext[] holder = new ExecutionContext[1];
    engine.ucxContext().runOnContext(v -> {
      engine.consumer(STREAM, m -> {
        long seq = m.payload().getLong(8);
        if (seq != expected[0]) {
          say("recv-error expected " + expected[0] + " got " + seq);
        }
        expected[0] = seq + 1;
      });
      vertx.setPeriodic(20, id -> {
        if (expected[0] != reported[0]) {
          reported[0] = expected[0];
          say("got " + expected[0]);
        }
      });
    });
    ExecutionContext client = engine.connect(new ClientOptions().setPort(port).setRankInfo(rank)
        .setConnectTimeout(Duration.ofSeconds(20))).await(30, TimeUnit.SECONDS);
    holder[0] = client;
    say("BOOTSTRAP_DONE " + client.clientId());
    if (stream) {
      engine.ucxContext().runOnContext(v -> new Sender(vertx, client, incarnation, rate).start());
    }
    lost.await();
    Thread.sleep(200);
    System.exit(0);
  }

  /** Sends at {@code rate} per second, at most {@link #WINDOW} outstanding; reports the completed prefix. */
  private static final class Sender {
    private final Vertx vertx;
    private final ExecutionContext client;
    private final long incarnation;
    private final int perTick;
    private final BitSet done = new BitSet();
    private long next;
    private long outstanding;
    private long acked;
    private long reportedAcked = -1;
    private boolean failed;

    Sender(Vertx vertx, ExecutionContext client, long incarnation, int rate) {
      this.vertx = vertx;
      this.client = client;
      this.incarnation = incarnation;
      this.perTick = Math.max(1, rate / 100);
    }

    void start() {
      vertx.setPeriodic(10, id -> {
        for (int i = 0; i < perTick && outstanding < WINDOW && !failed; i++) {
          send(next++);
        }
        if (acked != reportedAcked) {
          reportedAcked = acked;
          say("acked " + acked);
        }
      });
    }

    private void send(long seq) {
      outstanding++;
      try {
        client.notify(0, STREAM, Buffer.buffer(16).appendLong(incarnation).appendLong(seq)).onComplete(ar -> {
          outstanding--;
          if (ar.failed()) {
            if (!failed) {
              say("send-failed " + seq + " " + ar.cause().getMessage());
            }
            failed = true;
            return;
          }
          done.set((int) seq);
          while (done.get((int) acked)) {
            acked++;
          }
        });
      } catch (IllegalStateException e) {
        failed = true;
        say("send-failed " + seq + " " + e.getMessage());
      }
    }
  }

  static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
