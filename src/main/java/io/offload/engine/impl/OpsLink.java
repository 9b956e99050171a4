package io.offload.engine.impl;

import io.offload.cache.impl.CacheService;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerImpl;
import io.offload.context.impl.Transport;
import io.offload.notify.NotificationException;
import io.offload.ops.impl.OperationsImpl;
import io.offload.ops.impl.OpsWire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** The engine's messaging as the operations see it ({@link OpsWire}): library types over the peers' channels. */
final class OpsLink implements OpsWire {

  private final Transport transport;
  private final CacheService cache;

  OpsLink(Transport transport, CacheService cache) {
    this.transport = transport;
    this.cache = cache;
  }

  @Override
  public void onMessage(int type, Receiver receiver) {
    transport.notifications().onInternal(type, (peer, n) -> {
      if (peer != null) {
        receiver.onMessage(peer.context(), peer.id(), n.payload());
      }
    });
  }

  @Override
  public Future<Void> send(ExecutionContext context, int peerId, int type, Buffer payload) {
    PeerImpl p = context instanceof ContextImpl c && !c.isClosed() ? c.peerImpl(peerId) : null;
    if (p == null || p.channel() == null) {
      return Future.failedFuture(new NotificationException(context.id() + " has no peer " + peerId));
    }
    return transport.notifications().send(p.channel(), type, payload);
  }

  @Override
  public Context ucxContext() {
    return transport.ucx().context();
  }

  @Override
  public void restAtNextIdle() {
    var idle = transport.ucx().idleStrategy();
    if (idle != null) {
      idle.restAtNextIdle();
    }
  }

  @Override
  public int serviceProcessId() {
    return cache.localServiceProcess();
  }

  /** Tells the operations who {@code peer} was: a rank's service process, a rank, another service process. */
  static void peerLost(OperationsImpl ops, PeerImpl peer) {
    if (ops == null) {
      return;
    }
    ContextImpl c = peer.context();
    RankInfo rank = peer.rank();
    OperationsImpl.PeerKind kind;
    int sp = -1;
    if (c.scope() == Scope.HOST_SERVICE) {
      kind = c.role() == Role.CLIENT ? OperationsImpl.PeerKind.SERVER : OperationsImpl.PeerKind.RANK;
      sp = c.role() == Role.CLIENT ? peer.serviceProcessId() : -1; // a rank's server tells its id at bootstrap
    } else if (c.scope() == Scope.INTER_SERVICE) {
      kind = OperationsImpl.PeerKind.SERVICE_PROCESS;
      // a mesh client's server tells its id at bootstrap; a mesh server's client carries it as its rank
      sp = c.role() == Role.CLIENT ? peer.serviceProcessId() : rank == null ? -1 : rank.rank();
    } else {
      kind = OperationsImpl.PeerKind.OTHER;
    }
    ops.peerLost(c, peer.id(), kind, rank, sp, peer.disconnectReason());
  }
}
