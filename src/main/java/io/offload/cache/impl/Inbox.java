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
  private final Exchange exchange;
  private final Revocations revocations;
  private final Fetches fetches;

  Inbox(Links links, Exchange exchange, Revocations revocations, Fetches fetches) {
    this.links = links;
    this.exchange = exchange;
    this.revocations = revocations;
    this.fetches = fetches;
  }

  void register(NotificationService<PeerImpl> n) {
    n.onInternal(EventTypes.CACHE_ENTRIES, safely("entries", exchange::onEntries));
    n.onInternal(EventTypes.CACHE_GROUP, safely("group", exchange::onGroup));
    n.onInternal(EventTypes.CACHE_REVOKE, safely("revoke", this::onRevoke));
    n.onInternal(EventTypes.MEMORY_REGION, safely("region", exchange::onRegion));
    n.onInternal(EventTypes.CACHE_FETCH, safely("fetch", (p, b) -> {
      int[] f = CacheMessages.decodeFetch(b);
      fetches.onFetch(p, f[0], f[1], fromLocalRank(p));
    }));
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
          exchange.onRemove(from, fromMesh, r);
        }
      }
    }
  }
}
