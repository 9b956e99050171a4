package io.offload.ops.impl;

import io.offload.ops.RankMemory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.openucx.jucx.ucp.UcpMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * A registered rank buffer: its address, length and packed remote key travel in operation
 * arguments; the service process unpacks the key on its endpoint to the rank.
 *
 * <p>Thread safety: immutable after registration; {@link #close()} hops to the UCX thread.
 */
final class RankMemoryImpl implements RankMemory {

  private static final Logger LOG = LoggerFactory.getLogger(RankMemoryImpl.class);

  private final OperationsImpl owner;
  private final ByteBuffer buffer;
  private final UcpMemory memory;
  private final long address;
  private final byte[] packedKey;
  private Future<Void> closed;
  private boolean registered = true;

  /** Registers {@code buffer}; UCX thread. */
  RankMemoryImpl(OperationsImpl owner, ByteBuffer buffer, UcpMemory memory) {
    this.owner = owner;
    this.buffer = buffer.duplicate().clear();
    this.memory = memory;
    this.address = memory.getAddress();
    ByteBuffer key = memory.getRemoteKeyBuffer();
    this.packedKey = new byte[key.remaining()];
    key.get(packedKey);
  }

  @Override
  public ByteBuffer buffer() {
    return buffer.duplicate().clear();
  }

  @Override
  public int length() {
    return buffer.capacity();
  }

  long address() {
    return address;
  }

  byte[] packedKey() {
    return packedKey;
  }

  /** Whether this memory was registered by {@code ops} (an argument check). */
  boolean belongsTo(OperationsImpl ops) {
    return owner == ops;
  }

  @Override
  public synchronized Future<Void> close() {
    if (closed == null) {
      Promise<Void> p = owner.promise();
      owner.onUcx(() -> {
        deregister();
        owner.forget(this);
        p.tryComplete();
      });
      closed = p.future();
    }
    return closed;
  }

  /** UCX thread; once. */
  void deregister() {
    if (!registered) {
      return;
    }
    registered = false;
    try {
      memory.deregister();
    } catch (Throwable t) {
      LOG.debug("deregistering rank memory failed", t);
    }
  }
}
