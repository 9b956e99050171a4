package io.offload.context.impl;

import io.offload.context.BootstrapPhase;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A context's peers by id, the lost ones included up to {@link ContextImpl#LOST_PEERS_KEPT} (oldest forgotten first),
 * so that a peer that left can still be asked about. Thread-safe: the bootstrap adds and retires peers on the event
 * loop while the application reads them from anywhere.
 */
final class ContextPeers {

  private final Map<Integer, PeerImpl> byId = new ConcurrentSkipListMap<>();
  /** The lost peers still listed, oldest first; guarded by itself. */
  private final ArrayDeque<PeerImpl> lost = new ArrayDeque<>();

  void put(PeerImpl peer) {
    byId.put(peer.id(), peer);
  }

  /** Forgets a peer at once, lost or not (only that very peer, not a newer one of the same id). */
  void remove(PeerImpl peer) {
    byId.remove(peer.id(), peer);
    synchronized (lost) {
      lost.remove(peer);
    }
  }

  /** A peer reached DISCONNECTED: kept listed, but only the most recent {@code kept}. */
  void retire(PeerImpl peer, int kept) {
    synchronized (lost) {
      lost.add(peer);
      while (lost.size() > kept) {
        PeerImpl old = lost.poll();
        byId.remove(old.id(), old);
      }
    }
  }

  PeerImpl get(int peerId) {
    return byId.get(peerId);
  }

  Collection<PeerImpl> all() {
    return byId.values();
  }

  /** The least advanced phase of the peers still there (a server is only as far as its slowest client). */
  BootstrapPhase leastLivePhase() {
    BootstrapPhase least = null;
    for (PeerImpl p : byId.values()) {
      BootstrapPhase ph = p.phase();
      if (ph != BootstrapPhase.DISCONNECTED && (least == null || ph.ordinal() < least.ordinal())) {
        least = ph;
      }
    }
    return least == null ? BootstrapPhase.BOOTSTRAP_NOT_INITIATED : least;
  }

  int size() {
    return byId.size();
  }
}
