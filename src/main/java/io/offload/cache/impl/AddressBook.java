package io.offload.cache.impl;

import java.util.HashMap;
import java.util.Map;

/**
 * The worker addresses of one group's ranks that were fetched here (rank-to-rank endpoints):
 * only those, so a group costs nothing more without them. An address goes with its rank's
 * entry ({@link GroupTable#clear}).
 *
 * <p>Thread safety: its own lock (callers may hold the tables' lock; never the other way).
 */
final class AddressBook {

  private Map<Integer, byte[]> byRank;
  private long bytes;

  synchronized boolean keep(int rank, byte[] address) {
    if (byRank == null) {
      byRank = new HashMap<>();
    }
    byte[] old = byRank.put(rank, address);
    bytes += 48 + address.length - (old == null ? 0 : 48 + old.length);
    return true;
  }

  synchronized void drop(int rank) {
    byte[] old = byRank == null ? null : byRank.remove(rank);
    bytes -= old == null ? 0 : 48 + old.length;
  }

  synchronized byte[] get(int rank) {
    return byRank == null ? null : byRank.get(rank);
  }

  synchronized long bytes() {
    return bytes;
  }
}
