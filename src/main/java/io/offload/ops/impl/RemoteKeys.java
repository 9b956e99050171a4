package io.offload.ops.impl;

import io.offload.context.ExecutionContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRemoteKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remote keys of ranks' memory, unpacked once per (peer, packed key) and kept while in use
 * (shared/README §5: unpacking on the data path costs). A peer keeps at most {@link #PER_PEER}
 * unused keys; the oldest unused ones are destroyed first. A lost peer's keys are dropped, not
 * destroyed: its endpoint is closing and takes them along.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class RemoteKeys {

  private static final Logger LOG = LoggerFactory.getLogger(RemoteKeys.class);
  static final int PER_PEER = 64;

  private final Map<Served.PeerKey, LinkedHashMap<ByteBuffer, Entry>> byPeer = new HashMap<>();

  static final class Entry {
    final UcpRemoteKey key;
    int refs;

    Entry(UcpRemoteKey key) {
      this.key = key;
    }
  }

  /** The key for {@code packed} on the endpoint of peer {@code peerId} of {@code context}; one more use. */
  Entry acquire(ExecutionContext context, int peerId, UcpEndpoint ep, byte[] packed) {
    LinkedHashMap<ByteBuffer, Entry> keys = byPeer.computeIfAbsent(new Served.PeerKey(context, peerId),
        k -> new LinkedHashMap<>());
    ByteBuffer id = ByteBuffer.wrap(packed);
    Entry e = keys.get(id);
    if (e == null) {
      ByteBuffer direct = ByteBuffer.allocateDirect(packed.length);
      direct.put(packed).flip();
      e = new Entry(ep.unpackRemoteKey(direct));
      keys.put(id, e);
      e.refs++;
      trim(keys);
      return e;
    }
    e.refs++;
    return e;
  }

  void release(Entry e) {
    if (e != null && e.refs > 0) {
      e.refs--;
    }
  }

  private static void trim(LinkedHashMap<ByteBuffer, Entry> keys) {
    int unused = 0;
    for (Entry e : keys.values()) {
      if (e.refs == 0) {
        unused++;
      }
    }
    for (Iterator<Entry> it = keys.values().iterator(); it.hasNext() && unused > PER_PEER; ) {
      Entry e = it.next();
      if (e.refs == 0) {
        destroy(e);
        it.remove();
        unused--;
      }
    }
  }

  void peerLost(ExecutionContext context, int peerId) {
    byPeer.remove(new Served.PeerKey(context, peerId));
  }

  void close() {
    byPeer.values().forEach(keys -> keys.values().forEach(RemoteKeys::destroy));
    byPeer.clear();
  }

  private static void destroy(Entry e) {
    try {
      e.key.close();
    } catch (Throwable t) {
      LOG.debug("closing a remote key failed", t);
    }
  }
}
