package io.offload.fault;

import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Prints {@code address HEX}: the worker address of a process that then exits, so the address
 * names only this machine's loopback, interfaces and shared memory, all dead. Tests hand it to
 * a server to exercise UCX refusing or timing out an endpoint without ever aiming UCX at a
 * random network address (random address bytes could decode to any IP).
 */
public final class StaleAddress {

  private StaleAddress() {
  }

  public static void main(String[] args) {
    UcpContext ctx = new UcpContext(new UcpParams().requestAmFeature().requestRmaFeature().requestWakeupFeature());
    UcpWorker worker = ctx.newWorker(new UcpWorkerParams());
    ByteBuffer a = worker.getAddress();
    byte[] bytes = new byte[a.remaining()];
    a.get(bytes);
    System.out.println("address " + HexFormat.of().formatHex(bytes));
    System.out.flush();
    worker.close();
    ctx.close();
  }

  /** Runs the main in a child JVM and returns the address it printed. */
  static byte[] fromChildProcess() throws Exception {
    try (io.offload.testkit.Jvm jvm = io.offload.testkit.Jvm.start("stale-address", StaleAddress.class.getName(),
        java.util.List.of())) {
      String line = jvm.awaitLine(l -> l.startsWith("address "), 30, java.util.concurrent.TimeUnit.SECONDS);
      jvm.awaitExit(30, java.util.concurrent.TimeUnit.SECONDS);
      return HexFormat.of().parseHex(line.substring("address ".length()).trim());
    }
  }
}
