package io.offload.cache.impl;

import io.offload.context.impl.PeerImpl;
import io.offload.notify.impl.NotificationService;
import io.offload.topology.RankInfo;
import io.vertx.core.Vertx;
import io.offload.notify.EventTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who a cache is linked to and who this process is: the service process it is (if any), its
 * host, its mesh links and local ranks (on a service process), its service process and its rank
 * in each group (on a rank); and how cache messages leave.
 *
 * <p>Thread safety: the engine's UCX progress thread only, except the volatile ids.
 */
final class Links implements Revocations.Wire {

  private static final Logger LOG = LoggerFactory.getLogger(Links.class);
  static final int MAX_BATCH = 4096;

  final String engineId;
  /** The rank the engine was configured with ({@code EngineOptions.rankInfo}), or null. */
  final RankInfo configuredRank;
  private final Vertx vertx;
  private final NotificationService<PeerImpl> notifications;
  volatile int localSp = -1;
  volatile int selfHost = -1;
  final Set<PeerImpl> mesh = new LinkedHashSet<>();
  final Set<PeerImpl> localRanks = new LinkedHashSet<>();
  final LocalMembers members = new LocalMembers();
  /** On a rank: its service process. */
  PeerImpl server;
  /** On a rank: group -> its rank there. */
  final Map<Integer, Integer> myRanks = new HashMap<>();

  /** Runs a task on the progress thread after those already queued there. */
  private final Consumer<Runnable> later;
  /** Own entries waiting to go to the mesh, one batch per group, flushed once per burst. */
  private final Map<Integer, Batch> batches = new LinkedHashMap<>();
  private boolean flushScheduled;

  Links(String engineId, RankInfo configuredRank, Vertx vertx, NotificationService<PeerImpl> notifications,
        Consumer<Runnable> later) {
    this.engineId = engineId;
    this.configuredRank = configuredRank;
    this.vertx = vertx;
    this.notifications = notifications;
    this.later = later;
  }

  /** Entries of one group at one sequence, 5 ints each. */
  private static final class Batch {
    final long seq;
    final int size;
    int[] entries = new int[5 * 16];
    int count;

    Batch(long seq, int size) {
      this.seq = seq;
      this.size = size;
    }
  }

  /**
   * Queues one of this service process's entries for every mesh peer. Entries queued in one
   * burst (the tasks already waiting on the progress thread) leave as one CACHE_ENTRIES message
   * per group; any other message flushes them first, so the order per peer is kept.
   */
  void entryToMesh(int g, long seq, int size, int rank, int lr, int ls, int host, int sp) {
    Batch b = batches.get(g);
    if (b != null && (b.seq != seq || b.size != size)) {
      flushMesh();
      b = null;
    }
    if (b == null) {
      batches.put(g, b = new Batch(seq, size));
    }
    if (5 * (b.count + 1) > b.entries.length) {
      b.entries = Arrays.copyOf(b.entries, b.entries.length * 2);
    }
    int i = 5 * b.count++;
    b.entries[i] = rank;
    b.entries[i + 1] = lr;
    b.entries[i + 2] = ls;
    b.entries[i + 3] = host;
    b.entries[i + 4] = sp;
    if (b.count >= MAX_BATCH) {
      flushMesh();
    } else if (!flushScheduled) {
      flushScheduled = true;
      later.accept(() -> {
        flushScheduled = false;
        flushMesh();
      });
    }
  }

  /** Sends the queued entries now. */
  void flushMesh() {
    if (batches.isEmpty()) {
      return;
    }
    List<Buffer> out = new ArrayList<>();
    for (Map.Entry<Integer, Batch> e : batches.entrySet()) {
      Batch b = e.getValue();
      out.add(CacheMessages.entries(e.getKey(), b.seq, b.size, b.entries, b.count));
    }
    batches.clear();
    for (Buffer m : out) {
      mesh.forEach(p -> deliver(p, EventTypes.CACHE_ENTRIES, m));
    }
  }

  String revokedAddress() {
    return "offload." + engineId + ".cache.revoked";
  }

  void send(PeerImpl p, int type, Buffer payload) {
    flushMesh(); // queued entries first: the order per peer is the order of the changes
    deliver(p, type, payload);
  }

  private void deliver(PeerImpl p, int type, Buffer payload) {
    notifications.send(p.channel(), type, payload)
        .onFailure(e -> LOG.debug("{}: cache message {} to {} failed: {}", engineId, type, p, e.getMessage()));
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
    vertx.eventBus().publish(revokedAddress(), new JsonObject().put("groupId", groupId).put("seq", seq),
        new DeliveryOptions().setLocalOnly(true));
  }
}
