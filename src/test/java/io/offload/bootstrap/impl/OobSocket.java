package io.offload.bootstrap.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OOB half of a hand-made peer: a real Vert.x socket whose incoming bytes go through the
 * library's own frame parser into a queue, so a test reads the other side's answers one frame at
 * a time. Heartbeats are counted apart (they come on a timer, between anything).
 *
 * <p>Thread safety: frames are queued from the socket's event loop; read from any one thread.
 */
final class OobSocket implements AutoCloseable {

  final NetSocket socket;
  private final BlockingQueue<OobCodec.Frame> frames = new LinkedBlockingQueue<>();
  private final Promise<Void> closed = Promise.promise();
  volatile int heartbeats;

  /** Wraps {@code socket}; call on its event loop before any byte can arrive (a connect handler). */
  OobSocket(NetSocket socket) {
    this.socket = socket;
    socket.handler(OobCodec.parser(1 << 20, f -> {
      if (f.kind() == OobCodec.HEARTBEAT) {
        heartbeats++;
      } else {
        frames.add(f);
      }
    }, e -> frames.add(new OobCodec.Frame((byte) -1, Buffer.buffer(e.getMessage())))));
    socket.closeHandler(v -> closed.tryComplete());
  }

  OobSocket write(Buffer frame) {
    socket.write(frame);
    return this;
  }

  /** The next frame other than a heartbeat; fails after 10 s. */
  OobCodec.Frame next() throws InterruptedException {
    OobCodec.Frame f = frames.poll(10, TimeUnit.SECONDS);
    assertNotNull(f, "no frame within 10 s");
    return f;
  }

  /** The next frame, which must be of {@code kind}. */
  OobCodec.Frame next(byte kind) throws InterruptedException {
    OobCodec.Frame f = next();
    assertEquals(OobCodec.kindName(kind), OobCodec.kindName(f.kind()),
        () -> f.kind() == OobCodec.ERROR ? "got " + OobCodec.decodeError(f.body()) : "wrong frame");
    return f;
  }

  /** The next frame, which must be an ERROR: returned decoded. */
  OobCodec.ErrorFrame nextError() throws InterruptedException {
    return OobCodec.decodeError(next(OobCodec.ERROR).body());
  }

  /** The peer's refusal: an ERROR frame with a protocol error whose text contains {@code fragment}, then its close. */
  OobCodec.ErrorFrame awaitProtocolError(String fragment) throws Exception {
    OobCodec.ErrorFrame e = nextError();
    assertEquals(OobCodec.ERR_PROTOCOL, e.code(), e.text());
    assertTrue(e.text().contains(fragment), e.text());
    awaitClosedByPeer();
    return e;
  }

  /** Frames received and not read yet, heartbeats aside. */
  int unread() {
    return frames.size();
  }

  /** Completes when the other side closed the connection. */
  Future<Void> closed() {
    return closed.future();
  }

  /** Waits until the other side closed the connection. */
  void awaitClosedByPeer() throws Exception {
    closed.future().await(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    socket.close();
  }
}
