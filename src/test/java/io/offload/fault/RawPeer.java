package io.offload.fault;

import io.offload.bootstrap.impl.OobCodec;
import io.offload.topology.RankInfo;
import io.offload.notify.impl.AmHeader;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucs.UcsConstants;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.nio.ByteBuffer;

/**
 * A child-process client that speaks the OOB protocol by hand and stops at a chosen step, for
 * the kill matrix (the test then kills it with SIGKILL):
 * <pre>
 *   RawPeer HOST PORT connect         TCP connected, nothing sent        -> prints "connected"
 *   RawPeer HOST PORT hello RANK      HELLO sent, SERVER_INFO received   -> prints "server-info"
 *   RawPeer HOST PORT address RANK    and a real worker address sent     -> prints "client-address"
 * </pre>
 * Test code only: the product has no hooks for this. (It never sends made-up worker addresses:
 * random bytes could decode to any IP address that UCX would try to reach.)
 */
public final class RawPeer {

  private RawPeer() {
  }

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String mode = args[2];
    try (RawOob oob = new RawOob(host, port)) {
      if (mode.equals("connect")) {
        say("connected");
        Thread.sleep(Long.MAX_VALUE);
      }
      int rank = Integer.parseInt(args[3]);
      oob.write(RawOob.hello(RankInfo.of(0, rank, 1024)));
      oob.expect(OobCodec.SERVER_INFO, 10_000);
      say("server-info");
      switch (mode) {
        case "hello" -> Thread.sleep(Long.MAX_VALUE);
        case "address" -> {
          UcpContext ctx = new UcpContext(new UcpParams().requestAmFeature().requestWakeupFeature());
          UcpWorker worker = ctx.newWorker(new UcpWorkerParams());
          // UCX 1.13 crashes (ucp_am_handler) on an active message whose id has no handler:
          // take the server's probe and drop it
          worker.setAmRecvHandler(AmHeader.AM_ID, (h, hl, data, ep) -> UcsConstants.STATUS.UCS_OK);
          ByteBuffer a = worker.getAddress();
          byte[] address = new byte[a.remaining()];
          a.get(address);
          oob.write(OobCodec.clientAddress(address).getBytes());
          say("client-address");
          while (true) {
            worker.progress(); // the server's probe may land; we never answer READY
            Thread.sleep(5);
          }
        }
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
