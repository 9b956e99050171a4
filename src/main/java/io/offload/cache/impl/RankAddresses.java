package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.Handle;
import io.offload.cache.impl.ReachMessages.AddressAnswer;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.notify.EventTypes;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.agrona.collections.IntArrayList;
import org.openucx.jucx.ucp.UcpEndpoint;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rank-to-rank endpoints through the cache (the C original's {@code GET_CLIENT_BY_RANK}). A
 * service process with {@code CacheOptions.rankAddresses} hands out the worker address of each
 * rank it serves (it has it from the bootstrap). Addresses travel on demand only: a rank asks
 * its service process ({@code CACHE_ADDRESS_FETCH}; the misses of one burst as one message per
 * group), which answers for its own ranks, or asks the service process that serves the rank
 * (fetching the entry first if it does not know it) and passes the answer on
 * ({@code CACHE_ADDRESSES}). A fetched address stays with the rank's entry; one endpoint per
 * remote worker is made and kept (the engine closes it with the others).
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class RankAddresses {

  static final int MAX_PENDING = 65_536;
  private static final int MAX_BATCH = 4096;

  private final Links links;
  private final CacheTables tables;
  private final Handles handles;
  private final Fetches fetches;
  private final UcxRuntime ucx;
  private final Consumer<Runnable> later;
  private final boolean handsOut;
  private final int maxAddress;
  private final Map<Long, List<Promise<AddressAnswer>>> waiting = new HashMap<>();
  private final Map<Long, PeerImpl> askedOf = new HashMap<>();
  private final Map<PeerImpl, Map<Integer, IntArrayList>> outgoing = new LinkedHashMap<>();
  private boolean flushScheduled;
  private final Map<ByteBuffer, UcpEndpoint> endpoints = new HashMap<>();

  /**
   * @param later      runs a task on the progress thread after those already queued there
   * @param handsOut   whether this service process hands out its ranks' addresses
   * @param maxAddress largest worker address accepted from a peer
   */
  RankAddresses(Links links, CacheTables tables, Handles handles, Fetches fetches, UcxRuntime ucx,
      Consumer<Runnable> later, boolean handsOut, int maxAddress) {
    this.links = links;
    this.tables = tables;
    this.handles = handles;
    this.fetches = fetches;
    this.ucx = ucx;
    this.later = later;
    this.handsOut = handsOut;
    this.maxAddress = maxAddress;
  }

  /** An endpoint from this worker to the worker of {@code rank} of {@code groupId}. */
  Future<UcpEndpoint> endpoint(int groupId, int rank) {
    GroupTable t = tables.table(groupId);
    if (t != null && rank >= t.size) {
      return Future.failedFuture(new CacheMissException("rank " + rank + " is outside group " + groupId + " of size "
          + t.size));
    }
    return resolve(groupId, rank).compose(a -> a.status() == ReachMessages.ADDRESS_OK
        ? Future.succeededFuture(endpointTo(a.address()))
        : Future.failedFuture(new CacheMissException(refusal(groupId, rank, a.status()))));
  }

  private static String refusal(int groupId, int rank, int status) {
    return status == ReachMessages.ADDRESS_OFF
        ? "rank " + rank + " of group " + groupId + ": its service process hands out no worker addresses (set "
            + "CacheOptions.setRankAddresses(true) on the service processes)"
        : "rank " + rank + " of group " + groupId + " is not known where it was asked (not in the group, or gone)";
  }

  private UcpEndpoint endpointTo(byte[] address) {
    ByteBuffer key = ByteBuffer.wrap(address);
    UcpEndpoint ep = endpoints.get(key);
    if (ep == null) {
      ep = ucx.connect(address, "rank-endpoint-" + endpoints.size());
      endpoints.put(key, ep);
    }
    return ep;
  }

  /** The address of (group, rank): kept here, this service process's own rank, or asked for. */
  private Future<AddressAnswer> resolve(int groupId, int rank) {
    GroupTable held = tables.table(groupId);
    byte[] kept = held == null ? null : held.address(rank);
    if (kept != null) {
      return Future.succeededFuture(new AddressAnswer(rank, ReachMessages.ADDRESS_OK, kept));
    }
    if (links.localSp < 0) {
      PeerImpl server = links.server;
      return server == null ? Future.failedFuture(new CacheMissException("rank-to-rank endpoints need a link to a "
          + "service process (a rank's client context)")) : ask(server, groupId, rank);
    }
    PeerImpl local = links.members.peer(groupId, rank);
    if (local != null) {
      return Future.succeededFuture(own(local, rank));
    }
    GroupTable t = tables.table(groupId);
    int sp = t == null || rank >= t.size ? -1 : t.spAcquire(rank);
    if (sp < 0) {
      return fetches.fetch(groupId, rank).compose(s -> tables.table(groupId) != null && s != links.localSp
          ? resolve(groupId, rank) : Future.succeededFuture(unknown(rank)));
    }
    Handle h = sp == links.localSp ? null : handles.find(sp).orElse(null);
    if (h == null || !(h.peer() instanceof PeerImpl peer)) {
      return Future.succeededFuture(unknown(rank));
    }
    return ask(peer, groupId, rank);
  }

  private AddressAnswer own(PeerImpl local, int rank) {
    byte[] a = local.workerAddress();
    if (!handsOut) {
      return new AddressAnswer(rank, ReachMessages.ADDRESS_OFF, null);
    }
    return a == null ? unknown(rank) : new AddressAnswer(rank, ReachMessages.ADDRESS_OK, a);
  }

  private static AddressAnswer unknown(int rank) {
    return new AddressAnswer(rank, ReachMessages.ADDRESS_UNKNOWN, null);
  }

  private Future<AddressAnswer> ask(PeerImpl peer, int groupId, int rank) {
    long k = LocalMembers.key(groupId, rank);
    List<Promise<AddressAnswer>> w = waiting.get(k);
    if (w == null) {
      if (waiting.size() >= MAX_PENDING) {
        return Future.failedFuture(new IllegalStateException(MAX_PENDING + " rank addresses are already being fetched"));
      }
      waiting.put(k, w = new ArrayList<>());
      askedOf.put(k, peer);
      outgoing.computeIfAbsent(peer, p -> new LinkedHashMap<>()).computeIfAbsent(groupId, g -> new IntArrayList())
          .addInt(rank);
      if (!flushScheduled) {
        flushScheduled = true;
        later.accept(this::flush);
      }
    }
    Promise<AddressAnswer> p = Promise.promise();
    w.add(p);
    return p.future();
  }

  /** The requests of one burst: one message per (peer, group). */
  private void flush() {
    flushScheduled = false;
    for (Map.Entry<PeerImpl, Map<Integer, IntArrayList>> e : outgoing.entrySet()) {
      for (Map.Entry<Integer, IntArrayList> g : e.getValue().entrySet()) {
        IntArrayList ranks = g.getValue();
        for (int from = 0; from < ranks.size(); from += MAX_BATCH) {
          int n = Math.min(MAX_BATCH, ranks.size() - from);
          int[] chunk = new int[n];
          for (int i = 0; i < n; i++) {
            chunk[i] = ranks.getInt(from + i);
          }
          links.send(e.getKey(), EventTypes.CACHE_ADDRESS_FETCH, ReachMessages.addressFetch(g.getKey(), chunk, n));
        }
      }
    }
    outgoing.clear();
  }

  /**
   * CACHE_ADDRESS_FETCH, on a service process: its own ranks and kept addresses are answered at
   * once (one message); a rank linked to it may also ask for others, answered as they arrive.
   * A mesh peer gets answers about this service process's ranks only, so nothing loops.
   */
  void onFetch(PeerImpl from, Buffer payload) {
    if (links.localSp < 0) {
      return;
    }
    ReachMessages.AddressFetch f = ReachMessages.decodeAddressFetch(payload);
    boolean fromMesh = from.context().scope() == Scope.INTER_SERVICE;
    int g = f.groupId();
    List<AddressAnswer> now = new ArrayList<>();
    for (int rank : f.ranks()) {
      PeerImpl local = links.members.peer(g, rank);
      GroupTable held = tables.table(g);
      byte[] kept = held == null ? null : held.address(rank);
      if (local != null) {
        now.add(own(local, rank));
      } else if (kept != null) {
        now.add(new AddressAnswer(rank, ReachMessages.ADDRESS_OK, kept));
      } else if (fromMesh) {
        now.add(unknown(rank));
      } else {
        resolve(g, rank).onComplete(ar -> reply(from, g, List.of(ar.succeeded() ? ar.result() : unknown(rank))));
      }
    }
    if (!now.isEmpty()) {
      reply(from, g, now);
    }
  }

  private void reply(PeerImpl to, int groupId, List<AddressAnswer> answers) {
    Buffer b = ReachMessages.addresses(groupId, answers.size());
    for (AddressAnswer a : answers) {
      ReachMessages.appendAddress(b, a.rank(), a.status(), a.address());
    }
    links.send(to, EventTypes.CACHE_ADDRESSES, b);
  }

  /** CACHE_ADDRESSES: answers to what this process asked of {@code from} (anything else is dropped). */
  void onAddresses(PeerImpl from, Buffer payload) {
    int g = ReachMessages.addressesGroup(payload);
    for (AddressAnswer a : ReachMessages.decodeAddresses(payload, maxAddress)) {
      long k = LocalMembers.key(g, a.rank());
      if (askedOf.get(k) != from) {
        continue;
      }
      askedOf.remove(k);
      List<Promise<AddressAnswer>> w = waiting.remove(k);
      if (a.status() == ReachMessages.ADDRESS_OK) {
        GroupTable t = tables.table(g);
        if (t != null) {
          t.keepAddress(a.rank(), a.address());
        }
      }
      if (w != null) {
        w.forEach(p -> p.tryComplete(a));
      }
    }
  }

  /** A peer left: what was asked of it fails. */
  void forget(PeerImpl p) {
    outgoing.remove(p);
    List<Long> lost = new ArrayList<>();
    askedOf.forEach((k, peer) -> {
      if (peer == p) {
        lost.add(k);
      }
    });
    for (long k : lost) {
      askedOf.remove(k);
      fail(waiting.remove(k), "lost " + p + " while fetching the address of rank " + LocalMembers.rank(k) + " of group "
          + LocalMembers.group(k));
    }
  }

  /** The engine closes: every caller learns why. */
  void failAll(String reason) {
    List<List<Promise<AddressAnswer>>> all = new ArrayList<>(waiting.values());
    waiting.clear();
    askedOf.clear();
    outgoing.clear();
    all.forEach(w -> fail(w, reason));
  }

  private static void fail(List<Promise<AddressAnswer>> w, String reason) {
    if (w != null) {
      CacheMissException e = new CacheMissException(reason);
      w.forEach(p -> p.tryFail(e));
    }
  }
}
