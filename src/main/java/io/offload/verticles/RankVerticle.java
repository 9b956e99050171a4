package io.offload.verticles;

import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.context.ClientOptions;
import io.offload.topology.RankInfo;
import io.offload.context.BootstrapPhase;
import io.offload.context.PhaseChange;
import io.offload.context.ExecutionContext;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.NotificationConsumer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * A rank: an engine with one client context bootstrapped against its service process, then
 * {@code notifications} echo round trips, made while it waits (with a topology) for its whole group
 * in the cache. Its start completes when both are done; {@link #summary()} then tells what happened.
 *
 * <p>Config (see {@code verticles/rank.json}): {@code engine}, {@code client}
 * ({@link ClientOptions} JSON, with {@code rank}), {@code notifications} (default 0),
 * {@code payloadBytes} (default 8).
 *
 * <p>With a {@code topology} (a file path or the JSON itself), {@code client} needs no host or
 * port: the rank connects to the service process that serves it
 * ({@code localRank % service processes of its host}); with {@code serviceProcessesPerRank} k in the
 * topology also to its k - 1 shadows (client contexts of service-process index 1 .. k-1, after the
 * primary; {@link #shadows()}). {@code waitForCache} (default: true with a
 * topology) waits up to {@code cacheTimeoutMs} (default 60000) for the whole group in the cache;
 * the summary then holds {@code cacheEntries}, {@code cacheMs} and {@code cacheDigest}.
 *
 * <p>For the standard Vert.x launcher ({@code verticles/rank.json}): {@code report} (default false)
 * prints the summary as one JSON line on stdout when done; {@code exitWhenDone} (default false) then
 * undeploys this verticle (finalizing its engine) and closes Vert.x, so that the process exits.
 */
public class RankVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RankVerticle.class);

  /** Largest {@code payloadBytes}: far above any benchmark here, far below what would exhaust a heap. */
  public static final int MAX_PAYLOAD_BYTES = 64 << 20;
  /** Largest {@code notifications} (one long per round trip is kept). */
  public static final int MAX_NOTIFICATIONS = 10_000_000;

  private OffloadEngine engine;
  private ExecutionContext client;
  private final List<ClientOptions> shadowOptions = new ArrayList<>();
  private final List<ExecutionContext> shadows = new ArrayList<>();
  private final JsonObject summary = new JsonObject();

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    EngineOptions engineOptions = new EngineOptions(conf.getJsonObject("engine", new JsonObject()));
    ClientOptions clientOptions = new ClientOptions(conf.getJsonObject("client", new JsonObject()));
    Topology topology = TopologyConfig.of(conf);
    if (topology != null) {
      RankInfo me = clientOptions.getRankInfo();
      if (me == null) {
        throw new IllegalArgumentException("a rank with a topology needs client.rank (its rank info)");
      }
      List<ServiceProcessSpec> sps = topology.serviceProcessesFor(me.hostId(), me.localRank());
      clientOptions.setHost(sps.get(0).address()).setPort(sps.get(0).rankPort())
          .setServiceProcessIndex(0).setServiceProcessCount(sps.size());
      for (int i = 1; i < sps.size(); i++) {
        shadowOptions.add(new ClientOptions(clientOptions).setHost(sps.get(i).address()).setPort(sps.get(i).rankPort())
            .setServiceProcessIndex(i));
      }
    }
    boolean waitForCache = conf.getBoolean("waitForCache", topology != null);
    long cacheTimeoutMs = conf.getLong("cacheTimeoutMs", 60_000L);
    if (cacheTimeoutMs < 1) {
      throw new IllegalArgumentException("cacheTimeoutMs must be >= 1, got " + cacheTimeoutMs);
    }
    int notifications = conf.getInteger("notifications", 0);
    int payloadBytes = conf.getInteger("payloadBytes", 8);
    if (notifications < 0 || notifications > MAX_NOTIFICATIONS) {
      throw new IllegalArgumentException("notifications must be in [0, " + MAX_NOTIFICATIONS + "], got " + notifications);
    }
    if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("payloadBytes must be in [0, " + MAX_PAYLOAD_BYTES + "], got " + payloadBytes);
    }
    long t0 = System.nanoTime();
    return OffloadEngine.create(vertx, engineOptions.setRankInfo(clientOptions.getRankInfo()))
        .compose(e -> {
          engine = e;
          return e.connect(clientOptions);
        })
        .compose(c -> {
          client = c;
          summary.put("engine", engine.id()).put("rank", clientOptions.getRankInfo().rank())
              .put("group", clientOptions.getRankInfo().groupId())
              .put("bootstrapMs", (System.nanoTime() - t0) / 1e6).put("bootstrapAtNanos", System.nanoTime())
              .put("clientId", c.clientId())
              .put("serviceProcess", c.peer(0).orElseThrow().serviceProcessId());
          return connectShadows();
        })
        .compose(v -> {
          // the round trips run while the rest of the group is still bootstrapping
          Future<Void> cache = waitForCache ? awaitCache(clientOptions.getRankInfo().groupId(), cacheTimeoutMs, t0)
              : Future.succeededFuture();
          Future<long[]> rtts = roundTrips(notifications, payloadBytes);
          return Future.all(cache, rtts).map(all -> rtts.result());
        })
        .onSuccess(rtts -> {
          summary.put("notifications", notifications);
          if (rtts.length > 0) {
            Histogram h = new Histogram(3); // HdrHistogram, auto-ranging, 3 significant digits
            for (long rtt : rtts) {
              h.recordValue(rtt);
            }
            summary.put("rttP50Us", h.getValueAtPercentile(50) / 1e3).put("rttP99Us", h.getValueAtPercentile(99) / 1e3)
                .put("rttMaxUs", h.getMaxValue() / 1e3);
          }
          LOG.info("rank done: {}", summary.encode());
          if (conf.getBoolean("report", false)) {
            System.out.println(summary.encode());
            System.out.flush();
          }
          if (conf.getBoolean("exitWhenDone", false)) {
            // after this start has completed: undeploy (closes the engine), then close Vert.x
            context.runOnContext(x -> vertx.undeploy(deploymentID()).eventually(() -> vertx.close()));
          }
        });
  }

  /** The shadow links, in index order, after the primary's; their service processes go in the summary. */
  private Future<Void> connectShadows() {
    List<Future<ExecutionContext>> all = new ArrayList<>();
    shadowOptions.forEach(o -> all.add(engine.connect(o)));
    return Future.all(all).map(cf -> {
      JsonArray ids = new JsonArray();
      for (int i = 0; i < cf.size(); i++) {
        ExecutionContext c = cf.resultAt(i);
        shadows.add(c);
        ids.add(c.peer(0).orElseThrow().serviceProcessId());
      }
      if (!ids.isEmpty()) {
        summary.put("shadowServiceProcesses", ids);
      }
      return null;
    });
  }

  /**
   * Waits (bounded) for the whole group in the cache; notes its size and digest in the summary.
   * Both are read on the engine's UCX context, right after the group became whole there: a rank
   * that finishes and leaves takes its entry out of the others' caches, and a reading on this
   * verticle's context, a hop later, could already miss it.
   */
  private Future<Void> awaitCache(int groupId, long timeoutMs, long t0) {
    Promise<JsonObject> seen = Promise.promise(); // what the cache held when whole: read once, then never written
    long timer = vertx.setTimer(timeoutMs, id -> seen.tryFail(new IllegalStateException("group " + groupId
        + " not complete in the cache after " + timeoutMs + " ms (" + engine.cache().knownMembers(groupId)
        + " entries known)")));
    engine.ucxContext().runOnContext(v -> engine.cache().whenComplete(groupId).onComplete(ar -> {
      if (ar.failed()) {
        seen.tryFail(ar.cause());
        return;
      }
      seen.tryComplete(new JsonObject().put("cacheEntries", engine.cache().knownMembers(groupId))
          .put("cacheMs", (System.nanoTime() - t0) / 1e6).put("cacheAtNanos", System.nanoTime())
          .put("cacheDigest", engine.cache().digest(groupId)));
    }));
    return seen.future().onComplete(ar -> vertx.cancelTimer(timer)).map(cache -> {
      summary.mergeIn(cache);
      return null;
    });
  }

  /** K sequential echo round trips, run on the UCX context (the fast path). */
  private Future<long[]> roundTrips(int count, int payloadBytes) {
    long[] rtts = new long[count];
    if (count == 0) {
      return Future.succeededFuture(rtts);
    }
    Promise<long[]> done = Promise.promise();
    Buffer payload = Buffer.buffer(new byte[payloadBytes]);
    // An echo that is lost with its service process never comes: stop waiting when the peer is gone.
    MessageConsumer<PhaseChange> loss = vertx.eventBus().localConsumer(engine.phaseAddress(), m -> {
      PhaseChange c = m.body();
      if (c.contextId().equals(client.id()) && c.to() == BootstrapPhase.DISCONNECTED) {
        done.tryFail(new IllegalStateException("lost the service process after " + rttsDone(rtts) + " of " + count
            + " round trips: " + c.reason()));
      }
    });
    done.future().onComplete(x -> loss.unregister());
    engine.ucxContext().runOnContext(v -> {
      long[] sentAt = new long[1];
      int[] n = new int[1];
      NotificationConsumer[] consumer = new NotificationConsumer[1];
      consumer[0] = client.consumer(Echo.TYPE, m -> {
        rtts[n[0]++] = System.nanoTime() - sentAt[0];
        if (n[0] == count) {
          consumer[0].unregister();
          done.tryComplete(rtts);
          return;
        }
        sentAt[0] = System.nanoTime();
        client.notify(0, Echo.TYPE, payload).onFailure(done::tryFail);
      });
      consumer[0].completion().onSuccess(x -> {
        sentAt[0] = System.nanoTime();
        client.notify(0, Echo.TYPE, payload).onFailure(done::tryFail);
      }).onFailure(done::tryFail);
    });
    return done.future();
  }

  private static int rttsDone(long[] rtts) {
    int n = 0;
    while (n < rtts.length && rtts[n] != 0) {
      n++;
    }
    return n;
  }

  @Override
  public Future<?> stop() {
    return engine == null ? Future.succeededFuture() : engine.close();
  }

  /** What happened: engine, rank, bootstrap time, round-trip percentiles. */
  public JsonObject summary() {
    return summary.copy();
  }

  public ExecutionContext client() {
    return client;
  }

  /** The client contexts to the rank's shadow service processes (index 1, 2, ...), once started. */
  public List<ExecutionContext> shadows() {
    return List.copyOf(shadows);
  }

  public OffloadEngine engine() {
    return engine;
  }

}
