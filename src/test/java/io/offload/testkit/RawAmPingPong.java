package io.offload.testkit;

import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpConstants;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.openucx.jucx.ucs.UcsConstants;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Raw JUCX active-message ping-pong between two workers of one JVM, each busy-polled by its own
 * thread, the pong sent from inside the AM callback: the floor the library's allocation per
 * round trip is compared with. JUCX itself allocates a request object per send and an
 * {@code UcpAmData} per arrival in its JNI code; that part no library on JUCX can avoid.
 */
public final class RawAmPingPong {

  private static final int PING = 1;
  private static final int PONG = 2;

  private RawAmPingPong() {
  }

  /** Bytes the pinging thread allocated per round trip over {@code n} round trips after {@code warm}. */
  public static double allocatedBytesPerRoundTrip(int warm, int n, int payload) throws Exception {
    try (UcpContext context = new UcpContext(new UcpParams().requestAmFeature())) {
      UcpWorker a = context.newWorker(new UcpWorkerParams());
      UcpWorker b = context.newWorker(new UcpWorkerParams());
      UcpEndpoint ab = a.newEndpoint(new UcpEndpointParams().setUcpAddress(b.getAddress()));
      UcpEndpoint ba = b.newEndpoint(new UcpEndpointParams().setUcpAddress(a.getAddress()));
      ByteBuffer data = ByteBuffer.allocateDirect(Math.max(payload, 1));
      long dataAddress = UcxUtils.getAddress(data);
      ByteBuffer header = ByteBuffer.allocateDirect(8);
      long headerAddress = UcxUtils.getAddress(header);
      UcxCallback ignore = new UcxCallback();
      boolean[] pong = {false};
      a.setAmRecvHandler(PONG, (h, hl, d, ep) -> {
        pong[0] = true;
        return UcsConstants.STATUS.UCS_OK;
      }, UcpConstants.UCP_AM_FLAG_WHOLE_MSG);
      b.setAmRecvHandler(PING, (h, hl, d, ep) -> {
        ba.sendAmNonBlocking(PONG, headerAddress, 8, dataAddress, payload, 0, ignore);
        return UcsConstants.STATUS.UCS_OK;
      }, UcpConstants.UCP_AM_FLAG_WHOLE_MSG);
      AtomicBoolean running = new AtomicBoolean(true);
      Thread echo = new Thread(() -> {
        try {
          while (running.get()) {
            b.progress();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "raw-echo");
      echo.start();
      try {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = 0;
        for (int i = 0; i < warm + n; i++) {
          if (i == warm) {
            before = mx.getCurrentThreadAllocatedBytes();
          }
          pong[0] = false;
          ab.sendAmNonBlocking(PING, headerAddress, 8, dataAddress, payload, 0, ignore);
          while (!pong[0]) {
            a.progress();
          }
        }
        return (mx.getCurrentThreadAllocatedBytes() - before) / (double) n;
      } finally {
        running.set(false);
        echo.join();
        ab.closeNonBlockingFlush();
        ba.closeNonBlockingFlush();
        for (int i = 0; i < 1000; i++) {
          a.progress();
          b.progress();
        }
        a.close();
        b.close();
      }
    }
  }
}
