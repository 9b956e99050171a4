package io.offload.cache.impl;

import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.notify.impl.NotificationService;
import io.offload.notify.EventTypes;
import io.offload.notify.Notification;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;

/**
 * Where the cache's notifications go: each library type to the class that handles it, each
 * kind only from whom it may come (a vote from that member, counts from the mesh, DONE from
 * this rank's service process). A malformed message is dropped with a log line, never thrown
 * beyond here.
 *
 * <p>Thread safety: the handlers run on the engine's UCX progress thread.
 */
final class Inbox {

  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

  private final Links links;
  private final Arrivals arrivals;
  private final Revocations revocations;
  private final Fetches fetches;
  private final RankAddresses addresses;
  private final Directory directory;
  private final Reach reach;
  private final Conflicts conflicts;

  Inbox(Links links, Arrivals arrivals, Revocations revocations, Fetches fetches, RankAddresses addresses,
      Directory directory, Reach reach, Conflicts conflicts) {
    this.addresses = addresses;
    this.directory = directory;
    this.reach = reach;
    this.conflicts = conflicts;
    this.links = links;
    this.arrivals = arrivals;
    this.revocations = revocations;
    this.fetches = fetches;
  }

  void register(NotificationService<PeerImpl> n) {
    n.onInternal(EventTypes.CACHE_ENTRIES, safely("entries", arrivals::onEntries));
    n.onInternal(EventTypes.CACHE_GROUP, safely("group", arrivals::onGroup));
    n.onInternal(EventTypes.CACHE_REVOKE, safely("revoke", this::onRevoke));
    n.onInternal(EventTypes.MEMORY_REGION, safely("region", arrivals::onRegion));
    n.onInternal(EventTypes.CACHE_FETCH, safely("fetch", (p, b) -> {
      int[] f = CacheMessages.decodeFetch(b);
      fetches.onFetch(p, f[0], f[1], fromLocalRank(p));
    }));
    n.onInternal(EventTypes.CACHE_ADDRESS_FETCH, safely("address fetch", addresses::onFetch));
    n.onInternal(EventTypes.CACHE_ADDRESSES, safely("addresses", addresses::onAddresses));
    n.onInternal(EventTypes.CACHE_DIRECTORY, safely("directory", this::onDirectory));
    n.onInternal(EventTypes.CACHE_CONFLICT, safely("conflict", conflicts::onConflict));
  }

  private static boolean fromLocalRank(PeerImpl p) {
    return p.context().scope() == Scope.HOST_SERVICE && p.context().role() == Role.SERVER;
  }

  private static BiConsumer<PeerImpl, Notification> safely(String what, BiConsumer<PeerImpl, Buffer> handler) {
    return (peer, n) -> {
      try {
        handler.accept(peer, n.payload());
      } catch (RuntimeException e) {
        LOG.warn("dropped a cache {} message from {}: {}", what, peer, e.getMessage());
      }
    };
  }

  /** CACHE_DIRECTORY: taken from the mesh (about the sender) and from this rank's service processes. */
  private void onDirectory(PeerImpl from, Buffer payload) {
    boolean fromMesh = from.context().scope() == Scope.INTER_SERVICE;
    if (directory.onDirectory(from, payload, fromMesh ? Exchange.remoteServiceProcess(from) : -1) && !fromMesh) {
      reach.directoryFrom(from);
    }
  }

  /** CACHE_REVOKE: a removal for the exchange, the rest for the revocations. */
  private void onRevoke(PeerImpl from, Buffer payload) {
    CacheMessages.Revoke r = CacheMessages.decodeRevoke(payload);
    boolean fromMesh = from.context().scope() == Scope.INTER_SERVICE;
    switch (r.kind()) {
      case CacheMessages.VOTE -> {
        if (fromLocalRank(from) && r.rank() >= 0 && links.members.peer(r.groupId(), r.rank()) == from) {
          revocations.onVote(r);
        } else {
          LOG.warn("{}: dropped a revocation vote for group {} rank {} from {} (not that member)", links.engineId,
              r.groupId(), r.rank(), from);
        }
      }
      case CacheMessages.COUNTS -> {
        if (fromMesh) {
          revocations.onCounts(r);
        }
      }
      case CacheMessages.DONE -> {
        if (from == links.server) {
          revocations.onDone(r);
        }
      }
      default -> {
        if (!fromLocalRank(from)) {
          arrivals.onRemove(from, fromMesh, r);
        }
      }
    }
  }
}
