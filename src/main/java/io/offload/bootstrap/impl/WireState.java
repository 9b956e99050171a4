package io.offload.bootstrap.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the kernel knows about one TCP connection, ahead of the event loop: whether the peer has
 * already closed it (its FIN arrived) although Vert.x has not delivered the close yet.
 *
 * <p>Why: a rank that closes its connection and reconnects at once can get its new HELLO read
 * before the old socket's end of stream (a selector batch has no order, and the close reaches
 * the handler a few tasks later). The claim check then sees the old connection still live. The
 * kernel has the answer already: the old socket is in CLOSE_WAIT (or gone). Read from
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} (Linux, this process's network namespace);
 * elsewhere the answer is {@link State#UNKNOWN} and the caller keeps its old rule.
 *
 * <p>Thread safety: stateless; reads procfs, so call it off the event loop.
 */
final class WireState {

  /** What the kernel says. */
  enum State { OPEN, CLOSED_BY_PEER, UNKNOWN }

  private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
  private static final int ESTABLISHED = 0x01;
  private static final int LISTEN = 0x0A;

  private WireState() {
  }

  /** The state of the connection from {@code localHost:localPort} to {@code remoteHost:remotePort}. */
  static State of(String localHost, int localPort, String remoteHost, int remotePort) {
    InetAddress local;
    InetAddress remote;
    try {
      local = InetAddress.getByName(localHost);
      remote = InetAddress.getByName(remoteHost);
    } catch (UnknownHostException e) {
      return State.UNKNOWN;
    }
    boolean readAny = false;
    for (Path table : TABLES) {
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException | SecurityException e) {
        continue;
      }
      readAny = true;
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length < 4) {
          continue;
        }
        int state = Integer.parseInt(f[3], 16);
        if (state == LISTEN || !matches(f[1], local, localPort) || !matches(f[2], remote, remotePort)) {
          continue;
        }
        // ESTABLISHED (or still being set up): open. CLOSE_WAIT, LAST_ACK, CLOSING, TIME_WAIT, CLOSE: the peer's
        // FIN is in, or the socket is on its way out.
        return state == ESTABLISHED || state == 0x02 || state == 0x03 ? State.OPEN : State.CLOSED_BY_PEER;
      }
    }
    // Not listed: the connection is gone (both tables read), or we could not look.
    return readAny ? State.CLOSED_BY_PEER : State.UNKNOWN;
  }

  /** Whether a {@code HEXADDR:HEXPORT} field of a procfs TCP table is {@code address:port}. */
  private static boolean matches(String field, InetAddress address, int port) {
    int colon = field.indexOf(':');
    if (colon < 0 || Integer.parseInt(field.substring(colon + 1), 16) != port) {
      return false;
    }
    byte[] want = address.getAddress();
    byte[] got = decode(field.substring(0, colon));
    if (got.length == want.length) {
      return java.util.Arrays.equals(got, want);
    }
    // an IPv4 peer on an IPv6 socket: ::ffff:a.b.c.d
    if (got.length == 16 && want.length == 4) {
      for (int i = 0; i < 10; i++) {
        if (got[i] != 0) {
          return false;
        }
      }
      return (got[10] & 0xFF) == 0xFF && (got[11] & 0xFF) == 0xFF && got[12] == want[0] && got[13] == want[1]
          && got[14] == want[2] && got[15] == want[3];
    }
    return false;
  }

  /** procfs prints the address as 32-bit words in host byte order, each as 8 hex digits. */
  private static byte[] decode(String hex) {
    boolean little = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
    byte[] out = new byte[hex.length() / 2];
    for (int w = 0; w < out.length / 4; w++) {
      for (int b = 0; b < 4; b++) {
        int at = w * 8 + (little ? 3 - b : b) * 2;
        out[w * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return out;
  }
}
