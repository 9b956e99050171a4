package io.offload.ops.impl;

import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpMemMapParams;
import org.openucx.jucx.ucp.UcpMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * A service process's staging region for collectives: one buffer registered with UCX, cut into
 * slots of {@code chunk} bytes in three pools of equal size, so that each kind of transfer
 * always drains on its own and none can starve another of slots (which could deadlock):
 * {@link #LOCAL} (rank to rank within this service process), {@link #OUTBOUND} (read for another
 * service process, held until it has pulled), {@link #INBOUND} (pulled from another service
 * process, then put into ranks). A slot may feed several puts: it is released when its last
 * reference goes.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class Staging {

  private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

  static final int LOCAL = 0;
  static final int OUTBOUND = 1;
  static final int INBOUND = 2;

  final int chunk;
  final int slotsPerPool;
  private final int bytes;
  private final int[][] free = new int[3][];
  private final int[] top = new int[3];
  private int[] refs;
  private ByteBuffer[] views;
  private ByteBuffer buffer;
  private UcpMemory memory;
  private long address;
  private byte[] packedKey;

  Staging(int bytes, int chunk) {
    this.chunk = chunk;
    this.slotsPerPool = bytes / 3 / chunk;
    this.bytes = slotsPerPool * 3 * chunk;
  }

  /** Registers the region at first use. */
  void ensure(UcpContext ucp) {
    if (memory != null) {
      return;
    }
    // allocated by UCX: other service processes get from it one-sided (registered memory is served in software)
    UcpMemory m = ucp.memoryMap(new UcpMemMapParams().allocate().setLength(bytes));
    ByteBuffer b = UcxUtils.getByteBufferView(m.getAddress(), bytes);
    ByteBuffer key = m.getRemoteKeyBuffer();
    packedKey = new byte[key.remaining()];
    key.get(packedKey);
    buffer = b;
    memory = m;
    address = m.getAddress();
    refs = new int[3 * slotsPerPool];
    views = new ByteBuffer[3 * slotsPerPool];
    for (int s = 0; s < views.length; s++) {
      views[s] = b.duplicate().position(s * chunk).limit((s + 1) * chunk).slice();
    }
    for (int p = 0; p < 3; p++) {
      free[p] = new int[slotsPerPool];
      for (int i = 0; i < slotsPerPool; i++) {
        free[p][i] = p * slotsPerPool + slotsPerPool - 1 - i;
      }
      top[p] = slotsPerPool;
    }
    LOG.debug("staging region of {} bytes registered ({} slots of {} bytes per pool)", bytes, slotsPerPool, chunk);
  }

  boolean ready() {
    return memory != null;
  }

  /** A free slot of {@code pool} with one reference, or -1. */
  int acquire(int pool) {
    if (top[pool] == 0) {
      return -1;
    }
    int slot = free[pool][--top[pool]];
    refs[slot] = 1;
    return slot;
  }

  void retain(int slot) {
    refs[slot]++;
  }

  /** Drops one reference; true when the slot went back to its pool. */
  boolean release(int slot) {
    if (slot < 0 || slot >= refs.length || refs[slot] <= 0) {
      throw new IllegalStateException("slot " + slot + " is not in use");
    }
    if (--refs[slot] > 0) {
      return false;
    }
    int pool = slot / slotsPerPool;
    free[pool][top[pool]++] = slot;
    return true;
  }

  boolean inUse(int slot) {
    return slot >= 0 && slot < refs.length && refs[slot] > 0;
  }

  static int poolOf(int slot, int slotsPerPool) {
    return slot / slotsPerPool;
  }

  /**
   * The first {@code length} bytes of {@code slot}, as a buffer reused for every call: the
   * one-sided calls read its address and length at once, so it may be reset for the next.
   */
  ByteBuffer view(int slot, int length) {
    ByteBuffer v = views[slot];
    v.clear().limit(length);
    return v;
  }

  long address(int slot) {
    return address + (long) slot * chunk;
  }

  long baseAddress() {
    return address;
  }

  int length() {
    return bytes;
  }

  byte[] packedKey() {
    return packedKey;
  }

  /** Slots of {@code pool} in use (tests, leak checks). */
  int used(int pool) {
    return memory == null ? 0 : slotsPerPool - top[pool];
  }

  void close() {
    if (memory != null) {
      try {
        memory.deregister();
      } catch (Throwable t) {
        LOG.debug("deregistering the staging region failed", t);
      }
      memory = null;
      buffer = null;
    }
  }
}
