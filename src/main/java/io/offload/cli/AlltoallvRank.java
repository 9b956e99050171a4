package io.offload.cli;

import io.offload.context.ExecutionContext;
import io.offload.engine.OffloadEngine;
import io.offload.memory.ExposedRegion;
import io.offload.ops.Collectives;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One rank of {@code offload alltoallv}, on a thread of its own that waits on futures: exposes
 * its buffers to its service process, connects the direct baseline's endpoints (addresses
 * exchanged with the offloaded allgather), then for each iteration runs the offloaded and the
 * direct alltoallv on the same buffers, each after a barrier (a 1-byte offloaded allgather),
 * timing it, measuring this rank's CPU time meanwhile and checking every received byte.
 */
final class AlltoallvRank {

  private final OffloadEngine engine;
  private final ExecutionContext client;
  private final RankInfo me;
  private final AlltoallvPlan.Layout layout;
  private final long timeoutMs;
  private final Collectives coll;

  AlltoallvRank(OffloadEngine engine, ExecutionContext client, RankInfo me, AlltoallvPlan plan, long timeoutMs) {
    this.engine = engine;
    this.client = client;
    this.me = me;
    this.layout = plan.new Layout(me.rank());
    this.timeoutMs = timeoutMs;
    this.coll = engine.operations().collectives(client);
  }

  /** The id of the engine's UCX progress thread (for the in-JVM CPU clock). */
  static long progressThreadId(OffloadEngine engine, long timeoutMs) throws Exception {
    io.vertx.core.Promise<Long> id = io.vertx.core.Promise.promise();
    engine.ucxContext().runOnContext(v -> id.complete(Thread.currentThread().getId()));
    return id.future().await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs the iterations; {@code cpu} measures this rank's own threads, {@code process} (null in a
   * shared JVM) its whole process.
   */
  JsonObject run(int warmup, int iterations, CpuClock cpu, CpuClock process) throws Exception {
    ExposedRegion send = expose(layout.sendLength);
    ExposedRegion recv = expose(layout.recvLength);
    ExposedRegion one = expose(1);
    ExposedRegion all = expose(me.groupSize());
    DirectAlltoallv direct = new DirectAlltoallv(engine, me.rank());
    direct.connect(exchangeAddresses(direct)).await(timeoutMs, TimeUnit.MILLISECONDS);
    Mode offloaded = new Mode("offloaded");
    Mode baseline = new Mode("direct");
    ByteBuffer sb = send.buffer();
    ByteBuffer rb = recv.buffer();
    try {
      for (int it = 0; it < warmup + iterations; it++) {
        for (Mode m : new Mode[] {offloaded, baseline}) {
          int tag = 2 * it + (m == offloaded ? 0 : 1);
          layout.fillSend(sb, tag);
          layout.clearRecv(rb, tag);
          await(coll.allgather(me, one, 0, 1, all, 0)); // barrier
          long p0 = process == null ? 0 : process.nanos();
          long c0 = cpu.nanos();
          long t0 = System.nanoTime();
          await(m == offloaded
              ? coll.alltoallv(me, send, layout.sendCounts, layout.sendDispls, recv, layout.recvCounts, layout.recvDispls)
              : direct.run(tag, sb, layout.sendCounts, layout.sendDispls, rb, layout.recvCounts, layout.recvDispls));
          long t1 = System.nanoTime();
          long c1 = cpu.nanos();
          long p1 = process == null ? 0 : process.nanos();
          m.checked(layout.receivedBytes(), layout.wrongBytes(rb, tag, m.firstWrong)); // warm-up too
          if (it >= warmup) {
            m.record(t1 - t0, c1 - c0, p1 - p0);
          }
        }
      }
    } finally {
      direct.close().await(timeoutMs, TimeUnit.MILLISECONDS);
      for (ExposedRegion r : new ExposedRegion[] {send, recv, one, all}) {
        r.withdraw().await(timeoutMs, TimeUnit.MILLISECONDS);
      }
    }
    return new JsonObject().put("rank", me.rank()).put("offloaded", offloaded.json()).put("direct", baseline.json());
  }

  /** Every rank's worker address, by an allgather of the lengths, then one of the addresses padded to the longest. */
  private byte[][] exchangeAddresses(DirectAlltoallv direct) throws Exception {
    byte[] mine = direct.address().await(timeoutMs, TimeUnit.MILLISECONDS);
    int n = me.groupSize();
    ByteBuffer lengths = gather(ByteBuffer.allocate(4).putInt(0, mine.length), 4);
    int longest = 0;
    for (int r = 0; r < n; r++) {
      longest = Math.max(longest, lengths.getInt(4 * r));
    }
    ByteBuffer padded = ByteBuffer.allocate(longest);
    padded.put(mine).clear();
    ByteBuffer addresses = gather(padded, longest);
    byte[][] out = new byte[n][];
    for (int r = 0; r < n; r++) {
      out[r] = new byte[lengths.getInt(4 * r)];
      addresses.get(r * longest, out[r]);
    }
    return out;
  }

  /** An offloaded allgather of {@code count} bytes. */
  private ByteBuffer gather(ByteBuffer mine, int count) throws Exception {
    ExposedRegion s = expose(count);
    ExposedRegion r = expose(count * me.groupSize());
    s.buffer().put(0, mine, 0, count);
    await(coll.allgather(me, s, 0, count, r, 0));
    ByteBuffer out = ByteBuffer.allocate(count * me.groupSize());
    out.put(0, r.buffer(), 0, out.capacity());
    s.withdraw().await(timeoutMs, TimeUnit.MILLISECONDS);
    r.withdraw().await(timeoutMs, TimeUnit.MILLISECONDS);
    return out;
  }

  private ExposedRegion expose(int bytes) throws Exception {
    return client.exposeAllocated(0, bytes).await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private void await(Future<Void> f) throws Exception {
    f.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** What one way of doing the alltoallv measured on this rank. */
  private static final class Mode {
    final String name;
    final JsonArray nanos = new JsonArray();
    final JsonArray cpuNanos = new JsonArray();
    final JsonArray processCpuNanos = new JsonArray();
    final String[] firstWrong = {null};
    long checked;
    long wrong;

    Mode(String name) {
      this.name = name;
    }

    void record(long ns, long cpuNs, long processNs) {
      nanos.add(ns);
      cpuNanos.add(cpuNs);
      processCpuNanos.add(processNs);
    }

    void checked(long bytes, long wrongBytes) {
      checked += bytes;
      wrong += wrongBytes;
    }

    JsonObject json() {
      JsonObject j = new JsonObject().put("nanos", nanos).put("cpuNanos", cpuNanos)
          .put("processCpuNanos", processCpuNanos).put("checkedBytes", checked)
          .put("wrongBytes", wrong);
      return firstWrong[0] == null ? j : j.put("firstWrong", firstWrong[0]);
    }
  }
}
