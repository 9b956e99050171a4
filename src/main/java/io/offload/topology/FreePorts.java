package io.offload.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on the loopback address, for a topology made up on the spot. They are chosen below
 * the kernel's ephemeral range: a port the kernel handed out (port 0) and released is soon handed to
 * someone else (an outgoing socket, or UCX's TCP transport, which listens on an ephemeral port per
 * worker), and a service process then found it taken ("already in use") now and then in the tests.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;

  private FreePorts() {
  }

  /** {@code n} distinct ports that were free a moment ago (all held open together, then released). */
  public static int[] pick(int n) {
    int below = ephemeralLow();
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      int span = below - LOWEST;
      int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(span);
      for (int tried = 0, found = 0; found < n; tried++) {
        if (tried == span) {
          throw new IOException("no " + n + " free ports in [" + LOWEST + ", " + below + ")");
        }
        int port = LOWEST + (start + tried) % span;
        try {
          held.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
          ports[found++] = port;
        } catch (IOException inUse) {
          // taken: the next one
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports: " + e.getMessage(), e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // released anyway when the process ends
        }
      }
    }
  }

  /** One such port. */
  public static int pick() {
    return pick(1)[0];
  }

  /** The first port of the kernel's ephemeral range (Linux; 32768 elsewhere or when unreadable). */
  private static int ephemeralLow() {
    try {
      String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      int low = Integer.parseInt(range.trim().split("\\s+")[0]);
      return low > LOWEST + 1000 ? low : 32768;
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }
}
