package io.offload.ops.impl;

import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRemoteKey;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * What this service process knows of the others' staging regions (each one's description and
 * remote key, unpacked on our endpoint to it), which of them know ours, and which of our
 * outbound slots each one holds until it has got them.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class RemoteStagings {

  record Region(UcpEndpoint ep, UcpRemoteKey key, long address, int length, int chunk) {

    /** Whether slot {@code slot} lies in the region. */
    boolean holds(int slot) {
      return slot >= 0 && (long) (slot + 1) * chunk <= length;
    }

    long address(int slot) {
      return address + (long) slot * chunk;
    }
  }

  private final Map<Integer, Region> regions = new HashMap<>();
  private final Set<Integer> told = new HashSet<>();
  private int[] holder;

  /** Service process {@code from} described its staging region. */
  void described(int from, UcpEndpoint ep, long address, int length, int chunk, byte[] packedKey) {
    ByteBuffer k = ByteBuffer.allocateDirect(packedKey.length);
    k.put(packedKey).flip();
    Region old = regions.put(from, new Region(ep, ep.unpackRemoteKey(k), address, length, chunk));
    if (old != null) {
      old.key().close();
    }
  }

  Region of(int sp) {
    return regions.get(sp);
  }

  /** True the first time: {@code sp} must be told our region before it can get from it. */
  boolean tell(int sp) {
    return told.add(sp);
  }

  /** Outbound slot {@code slot} now waits for {@code sp} to get it. */
  void hold(int slot, int sp, int slots) {
    if (holder == null) {
      holder = new int[slots];
      Arrays.fill(holder, -1);
    }
    holder[slot] = sp;
  }

  /** {@code sp} has got {@code slot}: true if it did hold it (the slot is then free to release). */
  boolean release(int slot, int sp) {
    if (holder == null || slot < 0 || slot >= holder.length || holder[slot] != sp) {
      return false;
    }
    holder[slot] = -1;
    return true;
  }

  /** {@code sp} is gone: the slots it held go to {@code free}; its description and our telling are forgotten. */
  void lost(int sp, IntConsumer free) {
    if (holder != null) {
      for (int s = 0; s < holder.length; s++) {
        if (holder[s] == sp) {
          holder[s] = -1;
          free.accept(s);
        }
      }
    }
    Region r = regions.remove(sp);
    told.remove(sp);
    if (r != null) {
      r.key().close();
    }
  }

  void close() {
    regions.values().forEach(r -> r.key().close());
    regions.clear();
  }
}
