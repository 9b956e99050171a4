package io.offload.memory.impl;

import io.offload.context.impl.PeerImpl;
import io.offload.memory.ExposedRegion;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpMemory;

import java.nio.ByteBuffer;

/**
 * This process's region exposed to one peer, and where its exposure stands. The transitions are
 * {@link Exposures}'s, on the progress thread.
 *
 * <p>Thread safety: the getters from any thread; the mutable state on the progress thread only.
 */
final class ExposedRegionImpl implements ExposedRegion {

  private final Exposures exposures;
  final int id;
  final PeerImpl peer;
  /** Set at construction, or (memory UCX allocates) once allocated, before the exposure completes. */
  private volatile long address;
  private final long length;
  /** The buffer it was exposed from (kept reachable while exposed), or null when exposed by address. */
  private final ByteBuffer memoryBuffer;
  /** Completes when the peer recorded it. */
  final Promise<ExposedRegion> published = Promise.promise();
  /** Completes once deregistered, whoever ended it. */
  final Promise<Void> ended = Promise.promise();
  private volatile boolean withdrawn;
  private Future<Void> withdrawCall;
  /** Progress thread: the registration; null once released. */
  UcpMemory memory;
  /** Progress thread: WITHDRAW sent, waiting for WITHDRAWN. */
  boolean withdrawSent;

  ExposedRegionImpl(Exposures exposures, int id, PeerImpl peer, long address, long length, ByteBuffer memoryBuffer) {
    this.exposures = exposures;
    this.id = id;
    this.peer = peer;
    this.address = address;
    this.length = length;
    this.memoryBuffer = memoryBuffer;
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
  public long address() {
    return address;
  }

  void allocatedAt(long address) {
    this.address = address;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public ByteBuffer buffer() {
    if (memoryBuffer != null) {
      return memoryBuffer.duplicate().clear();
    }
    if (length > Integer.MAX_VALUE) {
      throw new UnsupportedOperationException("region " + id + " of " + length + " bytes has no ByteBuffer view");
    }
    return UcxUtils.getByteBufferView(address, length);
  }

  @Override
  public boolean isWithdrawn() {
    return withdrawn;
  }

  void markWithdrawn() {
    withdrawn = true;
  }

  @Override
  public Future<Void> withdraw() {
    Future<Void> f;
    synchronized (this) {
      if (withdrawCall == null) {
        withdrawCall = ended.future();
        exposures.withdraw(this);
      }
      f = withdrawCall;
    }
    return exposures.onCaller(f);
  }

  @Override
  public Future<Void> withdrawn() {
    return exposures.onCaller(ended.future());
  }

  @Override
  public String toString() {
    return "region " + id + " (" + length + " B) exposed to " + peer;
  }
}
