package io.offload.cache.impl;

import io.offload.context.impl.PeerImpl;
import io.offload.engine.impl.EngineImpl;
import io.offload.notify.EventTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who a cache is linked to and who this process is: the service process it is (if any), its
 * host, its mesh links and local ranks (on a service process), its service process and its rank
 * in each group (on a rank); and how cache messages leave.
 *
 * <p>Thread safety: the engine's UCX progress thread only, except the volatile ids.
 */
final class Links implements Revocations.Wire {

  private static final Logger LOG = LoggerFactory.getLogger(Links.class);

  final EngineImpl engine;
  volatile int localSp = -1;
  volatile int selfHost = -1;
  final Set<PeerImpl> mesh = new LinkedHashSet<>();
  final Set<PeerImpl> localRanks = new LinkedHashSet<>();
  final LocalMembers members = new LocalMembers();
  /** On a rank: its service process. */
  PeerImpl server;
  /** On a rank: group -> its rank there. */
  final Map<Integer, Integer> myRanks = new HashMap<>();

  Links(EngineImpl engine) {
    this.engine = engine;
  }

  String revokedAddress() {
    return "offload." + engine.id() + ".cache.revoked";
  }

  void send(PeerImpl p, int type, Buffer payload) {
    engine.notifications().send(p.channel(), type, payload)
        .onFailure(e -> LOG.debug("{}: cache message {} to {} failed: {}", engine.id(), type, p, e.getMessage()));
  }

  void toMesh(int type, Buffer payload) {
    mesh.forEach(m -> send(m, type, payload));
  }

  @Override
  public int localServiceProcess() {
    return localSp;
  }

  @Override
  public Iterable<PeerImpl> mesh() {
    return mesh;
  }

  @Override
  public List<PeerImpl> localMembersOf(int groupId) {
    return members.of(groupId);
  }

  @Override
  public void send(PeerImpl to, Buffer revokeMessage) {
    send(to, EventTypes.CACHE_REVOKE, revokeMessage);
  }

  @Override
  public void revoked(int groupId, long seq) {
    members.forget(groupId);
    myRanks.remove(groupId);
    engine.vertx().eventBus().publish(revokedAddress(), new JsonObject().put("groupId", groupId).put("seq", seq),
        new DeliveryOptions().setLocalOnly(true));
  }
}
