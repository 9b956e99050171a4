package io.offload.bootstrap.impl;

import io.vertx.core.net.NetSocket;

import java.util.function.Consumer;

/**
 * Liveness of one bootstrapped peer's OOB socket: a HEARTBEAT every {@code heartbeatInterval}, and the
 * peer declared lost once nothing at all has been heard from it for {@code heartbeatTimeout}. Needed
 * because a cut link closes nothing: the socket would stay open and silent forever.
 *
 * <p>Thread safety: runs on the engine's event loop only, like its {@link PeerConnection}.
 */
final class Heartbeats {

  private final BootstrapSite site;
  private final NetSocket socket;
  private final Consumer<String> onLost;
  private long lastHeard = System.nanoTime();
  private long timer = -1;

  Heartbeats(BootstrapSite site, NetSocket socket, Consumer<String> onLost) {
    this.site = site;
    this.socket = socket;
    this.onLost = onLost;
  }

  /** Any frame from the peer counts as a sign of life, not only HEARTBEAT. */
  void heard() {
    lastHeard = System.nanoTime();
  }

  /** From bootstrap done on: before, the handshake timer bounds the wait. */
  void start() {
    long interval = site.limits().getHeartbeatInterval().toMillis();
    long timeoutNanos = site.limits().getHeartbeatTimeout().toNanos();
    timer = site.eventLoop().setPeriodic(interval, id -> {
      if (System.nanoTime() - lastHeard > timeoutNanos) {
        onLost.accept("no heartbeat from the peer for " + site.limits().getHeartbeatTimeout().toMillis() + " ms");
      } else {
        socket.write(OobCodec.empty(OobCodec.HEARTBEAT));
      }
    });
  }

  void stop() {
    if (timer >= 0) {
      site.vertx().cancelTimer(timer);
      timer = -1;
    }
  }
}
