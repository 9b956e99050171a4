package io.offload.probe;

import io.offload.ops.OpsClusterAccess;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpMemMapParams;
import org.openucx.jucx.ucp.UcpMemory;
import org.openucx.jucx.ucp.UcpRemoteKey;
import org.openucx.jucx.ucp.UcpRequest;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

class RawRmaProbeTest {
  @Test
  void probe() throws Exception {
    try (var c = OpsClusterAccess.start(1, 1, 1)) {
      var rank = c.rank(0);
      var sp = c.sp(0);
      long rankThread = RmaProbeTest.tid(rank.engine());
      long spThread = RmaProbeTest.tid(sp.engine());
      var mx = ManagementFactory.getThreadMXBean();
      for (boolean alloc : new boolean[] {false, true, false, true}) {
        Promise<long[]> mem = Promise.promise();
        rank.engine().ucxContext().runOnContext(v -> {
          UcpMemory m = alloc ? rank.engine().ucpContext().memoryMap(new UcpMemMapParams().allocate().setLength(4 << 20))
              : rank.engine().ucpContext().registerMemory(ByteBuffer.allocateDirect(4 << 20));
          ByteBuffer k = m.getRemoteKeyBuffer();
          byte[] key = new byte[k.remaining()];
          k.get(key);
          long[] out = new long[2 + key.length];
          out[0] = m.getAddress();
          out[1] = key.length;
          for (int i = 0; i < key.length; i++) out[2 + i] = key[i];
          mem.complete(out);
        });
        long[] d = mem.future().await(10, TimeUnit.SECONDS);
        for (int size : new int[] {8192, 131072, 4 << 20}) {
          int n = size >= (4 << 20) ? 20 : 300;
          Promise<Long> done = Promise.promise();
          long c0 = mx.getThreadCpuTime(rankThread), s0 = mx.getThreadCpuTime(spThread);
          sp.engine().ucxContext().runOnContext(v -> {
            UcpEndpoint ep = sp.server().peers().get(0).endpoint();
            ByteBuffer kb = ByteBuffer.allocateDirect((int) d[1]);
            for (int i = 0; i < d[1]; i++) kb.put((byte) d[2 + i]);
            kb.flip();
            UcpRemoteKey rk = ep.unpackRemoteKey(kb);
            ByteBuffer target = ByteBuffer.allocateDirect(size);
            long t0 = System.nanoTime();
            int[] left = {n};
            UcxCallback[] cb = new UcxCallback[1];
            cb[0] = new UcxCallback() {
              @Override
              public void onSuccess(UcpRequest r) {
                if (--left[0] == 0) {
                  done.complete(System.nanoTime() - t0);
                } else {
                  sp.engine().ucxContext().runOnContext(x -> ep.getNonBlocking(d[0], rk, UcxUtils.getAddress(target), size, cb[0]));
                }
              }
            };
            ep.getNonBlocking(d[0], rk, UcxUtils.getAddress(target), size, cb[0]);
          });
          long ns = done.future().await(60, TimeUnit.SECONDS);
          long c1 = mx.getThreadCpuTime(rankThread), s1 = mx.getThreadCpuTime(spThread);
          System.out.printf("raw %s get %d B x %d: %.1f us each, rank cpu %.1f us each, sp cpu %.1f us each%n",
              alloc ? "ucx-allocated" : "registered", size, n, ns / 1e3 / n, (c1 - c0) / 1e3 / n, (s1 - s0) / 1e3 / n);
        }
      }
    }
  }
}
