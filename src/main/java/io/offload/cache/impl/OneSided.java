package io.offload.cache.impl;

import io.offload.cache.Handle;
import io.offload.cache.RemoteRegion;
import io.offload.context.impl.PeerImpl;
import io.offload.ucx.impl.Rma;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpMemory;
import org.openucx.jucx.ucp.UcpRemoteKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The portable stand-in for XGVMI: this engine's registered region (a service process exposes
 * one) and one-sided put/get on the regions of others, through their handles. A remote key is
 * unpacked once per (peer, region) and kept (shared/README §5).
 *
 * <p>Thread safety: {@link #put}/{@link #get} from any thread; everything else on the progress
 * thread.
 */
final class OneSided implements RemoteAccess {

  private static final Logger LOG = LoggerFactory.getLogger(OneSided.class);

  private final UcxRuntime ucx;
  private final Consumer<Runnable> runOnProgressThread;
  private final Map<PeerImpl, KeyEntry> keys = new IdentityHashMap<>();
  private UcpMemory memory;
  private ByteBuffer buffer;

  private record KeyEntry(RemoteRegion region, UcpRemoteKey key) {
  }

  /** @param runOnProgressThread runs a task on the progress thread, inside its Vert.x context */
  OneSided(UcxRuntime ucx, Consumer<Runnable> runOnProgressThread) {
    this.ucx = ucx;
    this.runOnProgressThread = runOnProgressThread;
  }

  /** Registers a region of {@code bytes} for service process {@code sp}; returns its description. */
  RemoteRegion register(int sp, int bytes) {
    if (memory != null) {
      throw new IllegalStateException("this service process already exposes a region of " + buffer.capacity()
          + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocateDirect(bytes);
    UcpMemory mem = ucx.ucpContext().registerMemory(b);
    byte[] key = Rma.packed(mem.getRemoteKeyBuffer());
    memory = mem;
    buffer = b;
    return new RemoteRegion(sp, mem.getAddress(), bytes, key);
  }

  /** The registered region's memory, or null. */
  ByteBuffer buffer() {
    return buffer;
  }

  boolean exposes() {
    return memory != null;
  }

  @Override
  public Future<Void> put(Handle h, long offset, ByteBuffer source) {
    return rma(h, offset, source, true);
  }

  @Override
  public Future<Void> get(Handle h, long offset, ByteBuffer target) {
    return rma(h, offset, target, false);
  }

  private Future<Void> rma(Handle h, long offset, ByteBuffer local, boolean put) {
    RemoteRegion region = h.region().orElseThrow();
    if (!local.isDirect()) {
      throw new IllegalArgumentException("one-sided operations need a direct ByteBuffer");
    }
    int length = local.remaining();
    if (offset < 0 || offset + length > region.length()) {
      throw new IllegalArgumentException("[" + offset + ", " + (offset + length) + ") is outside the region of "
          + region.length() + " bytes of service process " + region.serviceProcessId());
    }
    Promise<Void> done = ((ContextInternal) ucx.context().owner().getOrCreateContext()).promise();
    runOnProgressThread.accept(() -> {
      try {
        PeerImpl peer = (PeerImpl) h.peer();
        UcpEndpoint ep = peer.endpoint();
        Rma.start(ucx, ep, remoteKey(peer, region, ep), UcxUtils.getAddress(local), length, // getAddress: at the position
            region.address() + offset, put, e -> {
              if (e == null) {
                done.tryComplete();
              } else {
                done.tryFail(e);
              }
            });
      } catch (Throwable t) {
        done.tryFail(t);
      }
    });
    return done.future();
  }

  private UcpRemoteKey remoteKey(PeerImpl peer, RemoteRegion region, UcpEndpoint ep) {
    KeyEntry e = keys.get(peer);
    if (e != null && e.region() == region) {
      return e.key();
    }
    UcpRemoteKey key = Rma.unpack(ep, region.packedKey());
    if (e != null) {
      e.key().close();
    }
    keys.put(peer, new KeyEntry(region, key));
    return key;
  }

  /** The peer is gone: forget its key (its endpoint is closing and takes the key with it). */
  void forget(PeerImpl peer) {
    keys.remove(peer);
  }

  /** Releases every remote key and deregisters the region: before the endpoints and the worker close. */
  void close() {
    for (KeyEntry e : keys.values()) {
      try {
        e.key().close();
      } catch (Throwable t) {
        LOG.debug("closing a remote key failed", t);
      }
    }
    keys.clear();
    if (memory != null) {
      try {
        memory.deregister();
      } catch (Throwable t) {
        LOG.debug("deregistering memory failed", t);
      }
      memory = null;
    }
  }
}
