package io.offload.ucx.impl;

import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRemoteKey;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * One-sided put/get on a remote region, shared by every user of remote keys (a service process's
 * region reached through a cache handle, a rank's region reached by its service process).
 *
 * <p>Thread safety: progress thread only.
 */
public final class Rma {

  private Rma() {
  }

  /**
   * Starts a put of {@code length} bytes at {@code localAddress} to {@code remoteAddress}, or a
   * get the other way. {@code done} gets null on success, else the error. A put completes locally
   * first; the flush that follows makes the bytes visible remotely. It is issued from the loop, not
   * from inside the UCX callback.
   */
  public static void start(UcxRuntime ucx, UcpEndpoint ep, UcpRemoteKey key, long localAddress, long length,
                           long remoteAddress, boolean put, Consumer<Throwable> done) {
    var flushThenDone = UcxCallbacks.callback(() -> ucx.execute(() -> {
      try {
        ep.flushNonBlocking(UcxCallbacks.callback(() -> done.accept(null),
            (s, m) -> done.accept(new IllegalStateException("UCX flush failed, status " + s + ": " + m))));
      } catch (Throwable t) {
        done.accept(t);
      }
    }), (s, m) -> done.accept(new IllegalStateException("UCX " + (put ? "put" : "get") + " failed, status " + s
        + ": " + m)));
    if (put) {
      ep.putNonBlocking(localAddress, length, remoteAddress, key, flushThenDone);
    } else {
      ep.getNonBlocking(remoteAddress, key, localAddress, length, flushThenDone);
    }
  }

  /** Unpacks a packed remote key for {@code ep}. The caller closes it. */
  public static UcpRemoteKey unpack(UcpEndpoint ep, byte[] packed) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.max(packed.length, 1));
    b.put(packed).flip();
    return ep.unpackRemoteKey(b);
  }

  /** The bytes of a packed remote key ({@code UcpMemory.getRemoteKeyBuffer()}). */
  public static byte[] packed(ByteBuffer keyBuffer) {
    byte[] key = new byte[keyBuffer.remaining()];
    keyBuffer.duplicate().get(key);
    return key;
  }
}
