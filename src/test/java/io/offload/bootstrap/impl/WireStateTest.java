package io.offload.bootstrap.impl;

import io.offload.testkit.Await;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.StandardProtocolFamily;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the kernel says about real loopback connections (Linux procfs). */
class WireStateTest {

  static WireState.State stateOf(Socket s) {
    return WireState.of(s.getLocalAddress().getHostAddress(), s.getLocalPort(), s.getInetAddress().getHostAddress(),
        s.getPort());
  }

  @Test
  void shouldSeeAnOpenConnectionThenThePeersClose() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
         Socket accepted = listener.accept()) {
      assertEquals(WireState.State.OPEN, stateOf(accepted));
      assertEquals(WireState.State.OPEN, stateOf(client), "both ends, seen from each side");
      client.close(); // its FIN reaches the accepted socket: CLOSE_WAIT there, before anyone reads the end
      Await.until("CLOSE_WAIT", () -> stateOf(accepted) == WireState.State.CLOSED_BY_PEER, 10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldSeeAPureIpv4Socket() throws Exception {
    // NIO with an explicit INET family: the connection is listed in /proc/net/tcp, not as ::ffff:a.b.c.d in tcp6
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET)
        .bind(new InetSocketAddress("127.0.0.1", 0));
         SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
      client.connect(listener.getLocalAddress());
      try (SocketChannel accepted = listener.accept()) {
        InetSocketAddress local = (InetSocketAddress) accepted.getLocalAddress();
        InetSocketAddress remote = (InetSocketAddress) accepted.getRemoteAddress();
        assertEquals(WireState.State.OPEN, WireState.of("127.0.0.1", local.getPort(), "127.0.0.1", remote.getPort()));
        client.close();
        Await.until("CLOSE_WAIT", () -> WireState.of("127.0.0.1", local.getPort(), "127.0.0.1", remote.getPort())
            == WireState.State.CLOSED_BY_PEER, 10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void shouldCallAConnectionThatIsNotListedClosedAndAnUnknownHostUnknown() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // the listening socket itself is no connection, and no connection has this remote end
      assertEquals(WireState.State.CLOSED_BY_PEER, WireState.of("127.0.0.1", listener.getLocalPort(), "127.0.0.1", 1));
    }
    assertEquals(WireState.State.UNKNOWN, WireState.of("no-such-host.invalid", 1, "127.0.0.1", 2));
  }
}
