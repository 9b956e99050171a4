package io.offload.memory.impl;

import io.offload.topology.RankInfo;
import io.offload.context.impl.PeerImpl;
import io.offload.memory.PeerRegion;
import io.offload.memory.RegionWithdrawnException;
import io.offload.ucx.impl.Rma;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRemoteKey;

import java.nio.ByteBuffer;

/**
 * A region a peer exposed to this process. Every access checks, on the progress thread and
 * before the UCX call, that the region is still exposed; the accesses in flight are counted so
 * that a withdrawal is confirmed (and the key destroyed) only once they are done.
 *
 * <p>Thread safety: {@link #put}/{@link #get} and the getters from any thread; the key and the
 * count on the progress thread only.
 */
final class PeerRegionImpl implements PeerRegion {

  private final PeerRegions regions;
  private final UcxRuntime ucx;
  final PeerImpl peer;
  final int id;
  private final long address;
  private final long length;
  private final byte[] packedKey;
  private final int groupId;
  private final int rank;
  /** Why it is gone; null while exposed. Written on the progress thread. */
  private volatile String gone;
  /** Progress thread: unpacked once, destroyed when the last access is done. */
  UcpRemoteKey key;
  int inFlight;
  /** Progress thread: the owner asked for a confirmation (WITHDRAWN) once the accesses are done. */
  boolean confirm;

  PeerRegionImpl(PeerRegions regions, UcxRuntime ucx, PeerImpl peer, int id, long address, long length,
                 byte[] packedKey) {
    this.regions = regions;
    this.ucx = ucx;
    this.peer = peer;
    this.id = id;
    this.address = address;
    this.length = length;
    this.packedKey = packedKey;
    RankInfo ri = peer.rank();
    this.groupId = ri == null ? -1 : ri.groupId();
    this.rank = ri == null ? -1 : ri.rank();
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public String contextId() {
    return peer.context().id();
  }

  @Override
  public int peerId() {
    return peer.id();
  }

  @Override
  public int groupId() {
    return groupId;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public long address() {
    return address;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public boolean isWithdrawn() {
    return gone != null;
  }

  String gone() {
    return gone;
  }

  void gone(String why) {
    gone = why;
  }

  @Override
  public Future<Void> put(long offset, ByteBuffer source) {
    return access(offset, source, true);
  }

  @Override
  public Future<Void> get(long offset, ByteBuffer target) {
    return access(offset, target, false);
  }

  private Future<Void> access(long offset, ByteBuffer local, boolean put) {
    if (!local.isDirect()) {
      throw new IllegalArgumentException("one-sided operations need a direct ByteBuffer");
    }
    int n = local.remaining();
    if (offset < 0 || offset > length - n) {
      throw new IllegalArgumentException("[" + offset + ", " + (offset + n) + ") is outside " + this);
    }
    if (gone != null) {
      return regions.onCaller(Future.failedFuture(withdrawn()));
    }
    long localAddress = UcxUtils.getAddress(local); // of its position already
    Promise<Void> done = regions.callerPromise();
    if (ucx.onProgressThread()) {
      start(put, localAddress, n, address + offset, done); // a handler on the progress thread: no hop
    } else {
      regions.runOnProgressThread(() -> start(put, localAddress, n, address + offset, done));
    }
    return done.future();
  }

  /** Progress thread: the check that matters (a withdrawal is handled on this thread too), then UCX. */
  private void start(boolean put, long localAddress, int n, long remoteAddress, Promise<Void> done) {
    if (gone != null) {
      done.tryFail(withdrawn());
      return;
    }
    UcpEndpoint ep = peer.channel().endpoint();
    if (ep == null) {
      done.tryFail(new IllegalStateException(this + " cannot be reached: " + peer + " has no UCX endpoint"));
      return;
    }
    try {
      if (key == null) {
        key = Rma.unpack(ep, packedKey);
      }
    } catch (Throwable t) {
      done.tryFail(new IllegalStateException(this + ": its remote key does not unpack: " + t.getMessage(), t));
      return;
    }
    inFlight++;
    boolean[] finished = {false};
    try {
      Rma.start(ucx, ep, key, localAddress, n, remoteAddress, put, e -> {
        finished[0] = true;
        finish(done, e);
      });
    } catch (Throwable t) {
      if (!finished[0]) {
        finish(done, t); // UCX refused the request: it will never call back
      }
    }
  }

  private void finish(Promise<Void> done, Throwable error) {
    inFlight--;
    if (error == null) {
      done.tryComplete();
    } else {
      done.tryFail(error);
    }
    if (gone != null && inFlight == 0) {
      regions.drained(this);
    }
  }

  private RegionWithdrawnException withdrawn() {
    return new RegionWithdrawnException(this + " is gone: " + gone);
  }

  @Override
  public String toString() {
    return "region " + id + " (" + length + " B) of " + peer.context().id() + "/peer " + peer.id()
        + (rank < 0 ? "" : " (group " + groupId + " rank " + rank + ")");
  }
}
