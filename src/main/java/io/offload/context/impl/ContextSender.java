package io.offload.context.impl;

import io.offload.context.BootstrapPhase;
import io.offload.context.Role;
import io.offload.notify.EventTypes;
import io.offload.notify.NotificationException;
import io.offload.notify.impl.Routes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A context's user notifications out: to a peer's channel once it can take them, or, in the self context, straight
 * into this process's own routes. A bad type or peer id is a programming error (thrown); a peer not ready or gone is
 * a run-time condition (a failed future). Thread-safe.
 */
final class ContextSender {

  private final ContextSite site;
  private final String contextId;
  private final Role role;
  private final Routes routes;
  private final ContextPeers peers;
  private final AtomicLong selfEventIds = new AtomicLong();

  ContextSender(ContextSite site, String contextId, Role role, Routes routes, ContextPeers peers) {
    this.site = site;
    this.contextId = contextId;
    this.role = role;
    this.routes = routes;
    this.peers = peers;
  }

  Future<Void> notify(int peerId, int type, Buffer payload) {
    EventTypes.checkUserType(type);
    if (role == Role.SELF) {
      return notifySelf(peerId, type, payload == null ? Buffer.buffer() : payload.copy());
    }
    PeerImpl p = peerForSend(peerId);
    String refusal = refusal(p);
    return refusal != null ? Future.failedFuture(new NotificationException(refusal))
        : site.transport().notifications().send(p.channel(), type, payload);
  }

  Future<Void> notifyDirect(int peerId, int type, ByteBuffer payload) {
    EventTypes.checkUserType(type);
    if (role == Role.SELF) {
      byte[] bytes = new byte[payload.remaining()];
      payload.duplicate().get(bytes);
      return notifySelf(peerId, type, Buffer.buffer(bytes));
    }
    PeerImpl p = peerForSend(peerId);
    String refusal = refusal(p);
    return refusal != null ? Future.failedFuture(new NotificationException(refusal))
        : site.transport().notifications().sendDirect(p.channel(), type, payload);
  }

  private Future<Void> notifySelf(int peerId, int type, Buffer payload) {
    if (peerId != 0) {
      throw new IllegalArgumentException("the self context has one peer, 0; got " + peerId);
    }
    site.transport().notifications().deliverSelf(routes, type, site.selfRank(), selfEventIds.getAndIncrement(), payload);
    return Future.succeededFuture();
  }

  /** An unknown peer id is a programming error: thrown. */
  PeerImpl peerForSend(int peerId) {
    PeerImpl p = peers.get(peerId);
    if (p == null) {
      throw new IllegalArgumentException(contextId + " has no peer " + peerId);
    }
    return p;
  }

  /** Why a peer cannot take notifications now (a run-time condition: a failed future), or null. */
  private String refusal(PeerImpl p) {
    BootstrapPhase ph = p.phase();
    if (ph == BootstrapPhase.DISCONNECTED) {
      return "peer " + p.id() + " of " + contextId + " disconnected: " + p.disconnectReason();
    }
    if (ph.ordinal() < BootstrapPhase.UCX_CONNECT_DONE.ordinal()) {
      return "peer " + p.id() + " of " + contextId + " cannot take notifications yet (phase " + ph + ")";
    }
    return null;
  }
}
