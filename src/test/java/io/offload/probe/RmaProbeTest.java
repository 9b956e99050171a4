package io.offload.probe;

import io.offload.memory.ExposedRegion;
import io.offload.memory.PeerRegion;
import io.offload.ops.OpsClusterAccess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

class RmaProbeTest {
  @Test
  void probe() throws Exception {
    try (var c = OpsClusterAccess.start(1, 1, 1)) {
      var rank = c.rank(0);
      var sp = c.sp(0);
      ExposedRegion r = rank.client().expose(0, ByteBuffer.allocateDirect(4 << 20)).await(30, TimeUnit.SECONDS);
      long rankThread = tid(rank.engine());
      long spThread = tid(sp.engine());
      var mx = ManagementFactory.getThreadMXBean();
      for (int k = 0; k < 3; k++) {
        long c0 = mx.getThreadCpuTime(rankThread), s0 = mx.getThreadCpuTime(spThread), t0 = System.nanoTime();
        Thread.sleep(1000);
        System.out.printf("get idle: rank cpu %.1f%%, sp cpu %.1f%%%n", (mx.getThreadCpuTime(rankThread) - c0) * 100.0 / (System.nanoTime() - t0),
            (mx.getThreadCpuTime(spThread) - s0) * 100.0 / (System.nanoTime() - t0));
      }
      for (int size : new int[] {8192, 131072, 4 << 20}) {
        for (int round = 0; round < 2; round++) {
          int n = size >= (4 << 20) ? 20 : 500;
          Promise<Long> done = Promise.promise();
          long c0 = mx.getThreadCpuTime(rankThread), s0 = mx.getThreadCpuTime(spThread);
          sp.engine().ucxContext().runOnContext(v -> {
            PeerRegion pr = sp.server().peerRegion(rank.client().clientId() < 0 ? 0 : sp.server().peers().get(0).id(), r.id()).orElseThrow();
            ByteBuffer target = ByteBuffer.allocateDirect(size);
            long t0 = System.nanoTime();
            loop(pr, target, n, t0, done);
          });
          if (size == (4 << 20)) {
            for (int k = 0; k < 15; k++) {
              Thread.sleep(20);
              var ti = mx.getThreadInfo(rankThread, 6);
              StringBuilder sb = new StringBuilder(ti.getThreadState().toString());
              for (var f : ti.getStackTrace()) {
                sb.append(" <- ").append(f.getClassName().replaceAll(".*\\.", "")).append('.').append(f.getMethodName());
              }
              System.out.println("sample " + sb);
            }
          }
          long ns = done.future().await(60, TimeUnit.SECONDS);
          long c1 = mx.getThreadCpuTime(rankThread), s1 = mx.getThreadCpuTime(spThread);
          System.out.printf("get %d B x %d: %.1f us each, rank cpu %.1f us each, sp cpu %.1f us each%n", size, n,
              ns / 1e3 / n, (c1 - c0) / 1e3 / n, (s1 - s0) / 1e3 / n);
        }
      }
    }
  }

  static void loop(PeerRegion pr, ByteBuffer target, int left, long t0, Promise<Long> done) {
    if (left == 0) {
      done.complete(System.nanoTime() - t0);
      return;
    }
    target.clear();
    pr.get(0, target).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else {
        loop(pr, target, left - 1, t0, done);
      }
    });
  }

  static long tid(io.offload.engine.OffloadEngine e) throws Exception {
    Promise<Long> p = Promise.promise();
    e.ucxContext().runOnContext(v -> p.complete(Thread.currentThread().getId()));
    return p.future().await(10, TimeUnit.SECONDS);
  }
}
