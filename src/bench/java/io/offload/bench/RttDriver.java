package io.offload.bench;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One ping-pong series per payload size, the same for every transport: a subclass sends the
 * ping ({@link #send}), the transport calls {@link #pong} when the answer is complete. All state
 * lives on the context the series runs on.
 */
abstract class RttDriver {

  Buffer payload;
  int size;
  Sample sample;
  int warm;
  int total;
  int done;
  long t0;
  CompletableFuture<Void> finished;

  /** Sends {@link #payload} to the echoing side. */
  abstract void send();

  final void ping() {
    t0 = System.nanoTime();
    send();
  }

  /** The echo arrived: records the round trip (after warm-up), then pings again or finishes. */
  final void pong() {
    long rtt = System.nanoTime() - t0;
    if (done++ >= warm) {
      sample.add(rtt);
    }
    if (done < total) {
      ping();
    } else {
      finished.complete(null);
    }
  }

  /** Runs a series for each of {@link Plan#SIZES} on {@code ctx} and reports each to the parent. */
  final void measure(Context ctx, String transport, Plan plan, boolean slow) throws Exception {
    for (int s : Plan.SIZES) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      ctx.runOnContext(v -> {
        size = s;
        payload = Buffer.buffer(new byte[s]);
        sample = new Sample(plan.roundTrips(s, slow));
        warm = plan.warmup(s, slow);
        total = warm + plan.roundTrips(s, slow);
        done = 0;
        finished = f;
        ping();
      });
      f.get(10, TimeUnit.MINUTES);
      Child.result(new JsonObject().put("transport", transport).put("kind", "rtt").put("size", s)
          .mergeIn(sample.toJson()));
    }
  }
}
