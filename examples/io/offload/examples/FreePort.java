package io.offload.examples;

import java.io.IOException;
import java.net.ServerSocket;

/** Free local ports for the examples' topologies (a real topology file names fixed ports). */
final class FreePort {

  private FreePort() {
  }

  static int[] pick(int n) throws IOException {
    int[] ports = new int[n];
    ServerSocket[] held = new ServerSocket[n];
    try {
      for (int i = 0; i < n; i++) {
        held[i] = new ServerSocket(0);
        ports[i] = held[i].getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        if (s != null) {
          s.close();
        }
      }
    }
    return ports;
  }
}
