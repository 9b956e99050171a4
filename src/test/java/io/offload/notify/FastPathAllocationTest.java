package io.offload.notify;

import io.offload.context.ExecutionContext;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.EnginePair;
import io.offload.testkit.RawAmPingPong;
import io.offload.ucx.UcxOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.offload.testkit.EngineMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast path allocates nothing per notification of its own: 100,000 8-byte round trips between
 * consumers on the two engines' progress threads, and the bytes each progress thread allocates
 * per round trip (ThreadMXBean) stay within 64 B of raw JUCX's, measured the same way in the same
 * run. (JUCX itself allocates a request per send and an {@code UcpAmData} per arrival.) In both
 * modes: caller-driven, the "progress threads" are the test threads looping {@code engine.progress()}.
 */
@ExtendWith(VertxExtension.class)
class FastPathAllocationTest {

  static final int TYPE = EventTypes.FIRST_USER_TYPE + 77;
  static final int WARM = 20_000;
  static final int N = 100_000;
  static final double BOUND = 64;
  /** Busy-polling: what is measured is allocation, and a loaded machine then still runs it quickly. */
  static final UcxOptions BUSY = new UcxOptions().setBusyPoll(true);

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void roundTripsOnTheProgressThreadsAllocateAtMost64BytesMoreThanRawJucx(EngineMode mode, Vertx vertx) throws Exception {
    double raw = RawAmPingPong.allocatedBytesPerRoundTrip(WARM, N, 8);
    EngineMode.Engines engines = mode.engines();
    OffloadEngine sp = engines.create(vertx, new EngineOptions().setName("alloc-sp").setUcx(BUSY)).await(30, TimeUnit.SECONDS);
    OffloadEngine rank = engines.create(vertx, new EngineOptions().setName("alloc-rank").setUcx(BUSY)).await(30, TimeUnit.SECONDS);
    try {
      com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long[] echoBytes = new long[2];
      int[] echoed = {0};
      Promise<Void> echoReady = Promise.promise();
      sp.ucxContext().runOnContext(v -> sp.consumer(TYPE, n -> {
        if (echoed[0] == WARM) {
          echoBytes[0] = mx.getCurrentThreadAllocatedBytes();
        } else if (echoed[0] == WARM + N - 1) {
          echoBytes[1] = mx.getCurrentThreadAllocatedBytes();
        }
        echoed[0]++;
        n.context().notify(n.peerId(), TYPE, n.payload());
      }).completion().onComplete(echoReady));
      echoReady.future().await(10, TimeUnit.SECONDS);
      ExecutionContext client = EnginePair.connect(sp, rank);

      Buffer payload = Buffer.buffer(new byte[8]);
      long[] pingBytes = new long[2];
      int[] pongs = {0};
      Promise<Void> done = Promise.promise();
      Promise<Void> pingReady = Promise.promise();
      rank.ucxContext().runOnContext(v -> client.consumer(TYPE, n -> {
        pongs[0]++;
        if (pongs[0] == WARM) {
          pingBytes[0] = mx.getCurrentThreadAllocatedBytes();
        }
        if (pongs[0] == WARM + N) {
          pingBytes[1] = mx.getCurrentThreadAllocatedBytes();
          done.tryComplete();
          return;
        }
        client.notify(0, TYPE, payload);
      }).completion().onComplete(pingReady));
      pingReady.future().await(10, TimeUnit.SECONDS);
      rank.ucxContext().runOnContext(v -> client.notify(0, TYPE, payload));
      done.future().await(120, TimeUnit.SECONDS);

      double ping = (pingBytes[1] - pingBytes[0]) / (double) N;
      double echo = (echoBytes[1] - echoBytes[0]) / (double) N;
      String report = String.format("%s: bytes per round trip: raw JUCX %.1f, library pinging side %.1f, echoing side %.1f",
          mode, raw, ping, echo);
      System.out.println(report);
      assertTrue(ping - raw <= BOUND, report);
      assertTrue(echo - raw <= BOUND, report);
    } finally {
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
      engines.close();
    }
  }
}
