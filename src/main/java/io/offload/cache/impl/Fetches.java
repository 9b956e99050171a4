package io.offload.cache.impl;

import io.offload.context.impl.PeerImpl;
import io.offload.notify.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Entries on demand. A lookup of an entry not known here returns a future: a rank asks its
 * service process ({@code CACHE_FETCH}); a service process that knows the entry answers at once
 * ({@code CACHE_ENTRIES}), else it asks every other service process and answers when the entry
 * reaches it, from their answers or the ordinary exchange. A service process's own lookups ask
 * the mesh the same way. At most {@link #MAX_PENDING} entries are awaited at once.
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class Fetches {

  private static final Logger LOG = LoggerFactory.getLogger(Fetches.class);
  static final int MAX_PENDING = 65_536;

  private final Links links;
  private final CacheTables tables;
  private final Map<Long, List<Promise<Integer>>> callers = new HashMap<>();
  private final Map<Long, Set<PeerImpl>> askers = new HashMap<>(); // on a service process: local ranks waiting

  Fetches(Links links, CacheTables tables) {
    this.links = links;
    this.tables = tables;
  }

  /** The service process of (group, rank): known now, or once fetched. */
  Future<Integer> fetch(int groupId, int rank) {
    int sp = known(groupId, rank);
    if (sp >= 0) {
      return Future.succeededFuture(sp);
    }
    long k = LocalMembers.key(groupId, rank);
    List<Promise<Integer>> waiting = callers.get(k);
    if (waiting == null && pending() >= MAX_PENDING) {
      return Future.failedFuture(new IllegalStateException(MAX_PENDING + " cache entries are already being fetched"));
    }
    Promise<Integer> p = Promise.promise();
    if (waiting == null) {
      callers.put(k, waiting = new ArrayList<>());
      ask(groupId, rank, k);
    }
    waiting.add(p);
    return p.future();
  }

  /** CACHE_FETCH from a local rank (answered or passed on) or from the mesh (answered if known). */
  void onFetch(PeerImpl from, int groupId, int rank, boolean fromLocalRank) {
    int sp = known(groupId, rank);
    if (sp >= 0) {
      reply(from, groupId, rank);
      return;
    }
    if (!fromLocalRank || links.localSp < 0) {
      return; // a service process passes on only its own ranks' questions, so nothing loops
    }
    long k = LocalMembers.key(groupId, rank);
    Set<PeerImpl> waiting = askers.get(k);
    if (waiting == null) {
      if (pending() >= MAX_PENDING) {
        LOG.warn("{}: {} cache entries already being fetched; a request of {} dropped", links.engineId,
            MAX_PENDING, from);
        return;
      }
      askers.put(k, waiting = new LinkedHashSet<>());
      if (!callers.containsKey(k)) {
        links.toMesh(EventTypes.CACHE_FETCH, CacheMessages.fetch(groupId, rank));
      }
    }
    waiting.add(from);
  }

  /** An entry was put here: whoever waits for it gets it. */
  void arrived(int groupId, int rank) {
    if (callers.isEmpty() && askers.isEmpty()) {
      return;
    }
    long k = LocalMembers.key(groupId, rank);
    int sp = known(groupId, rank);
    if (sp < 0) {
      return;
    }
    List<Promise<Integer>> waiting = callers.remove(k);
    if (waiting != null) {
      waiting.forEach(p -> p.tryComplete(sp));
    }
    Set<PeerImpl> peers = askers.remove(k);
    if (peers != null) {
      peers.forEach(p -> reply(p, groupId, rank));
    }
  }

  /** This process lost the link its fetches go through (or is closing): its callers learn why. */
  void failAll(String reason) {
    List<Promise<Integer>> failed = new ArrayList<>();
    callers.values().forEach(failed::addAll);
    callers.clear();
    failed.forEach(p -> p.tryFail(new io.offload.cache.CacheMissException(reason)));
  }

  /** A peer left: it waits for nothing any more. */
  void forget(PeerImpl p) {
    askers.values().removeIf(s -> s.remove(p) && s.isEmpty());
  }

  private void ask(int groupId, int rank, long k) {
    Buffer q = CacheMessages.fetch(groupId, rank);
    if (links.server != null) {
      links.send(links.server, EventTypes.CACHE_FETCH, q);
    } else if (!askers.containsKey(k)) {
      links.toMesh(EventTypes.CACHE_FETCH, q);
    }
  }

  private void reply(PeerImpl to, int groupId, int rank) {
    GroupTable t = tables.table(groupId);
    if (t != null && rank >= 0 && rank < t.size && t.spAcquire(rank) >= 0) {
      links.send(to, EventTypes.CACHE_ENTRIES, CacheMessages.entries(t, new int[] {rank}, 1));
    }
  }

  private int known(int groupId, int rank) {
    GroupTable t = tables.table(groupId);
    return t == null || rank < 0 || rank >= t.size ? -1 : t.spAcquire(rank);
  }

  private int pending() {
    return callers.size() + askers.size();
  }
}
