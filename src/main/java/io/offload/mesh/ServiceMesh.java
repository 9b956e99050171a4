package io.offload.mesh;

import io.offload.cache.GroupCache;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;

import io.offload.context.ClientOptions;
import io.offload.context.Departure;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.Scope;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineState;
import io.offload.engine.OffloadEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One service process's part of the inter-service-process mesh, from a {@link Topology}: a
 * server (scope {@code INTER_SERVICE}) on its mesh port for the service processes with lower
 * global ids, and a client to each one with a higher id. Clients retry with backoff until
 * {@code connectTimeout}, so the mesh comes up whatever the start order. Over these links the
 * engines' {@link GroupCache}s exchange their entries.
 *
 * <p><b>The mesh heals.</b> When a link is lost (the other service process was killed, its link
 * cut, or it finalized), the client side reconnects, for as long as this mesh runs: rounds of
 * {@code connectTimeout} each (inside a round the client retries from 20 ms to 500 ms apart),
 * {@link #FIRST_RELINK_BACKOFF} apart at first, doubling up to {@link #MAX_RELINK_BACKOFF}. A
 * service process restarted on the same address is thus linked again by the lower ones, and
 * links itself to the higher ones as at its first start; once linked, the caches send it their
 * entries again and its own copy becomes complete again. A link that never came up within the
 * first {@code connectTimeout} fails {@link #clientsConnected()}, and is still tried after.
 * {@link #close()} stops reconnecting; the engine closing does too.
 *
 * <p>Thread safety: start from any thread; the futures complete on the caller's context, where
 * the reconnections run too.
 */
public final class ServiceMesh {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMesh.class);

  /** How long a mesh client keeps trying to reach a higher service process, per round. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMinutes(2);
  /** Pause before the second round of reconnection to a lost service process (the first starts at once). */
  public static final Duration FIRST_RELINK_BACKOFF = Duration.ofMillis(50);
  /** The longest pause between two rounds. */
  public static final Duration MAX_RELINK_BACKOFF = Duration.ofSeconds(2);

  private final OffloadEngine engine;
  private final int id;
  private final ExecutionContext server;
  private final List<Link> links = new ArrayList<>();
  private final Future<List<ExecutionContext>> clients;
  private volatile boolean closed;

  private ServiceMesh(OffloadEngine engine, int id, ExecutionContext server, List<ClientOptions> higher,
      int firstHigher) {
    this.engine = engine;
    this.id = id;
    this.server = server;
    List<Future<ExecutionContext>> first = new ArrayList<>();
    for (int i = 0; i < higher.size(); i++) {
      Link l = new Link(firstHigher + i, higher.get(i));
      links.add(l);
      first.add(l.first.future());
      l.connect();
    }
    this.clients = Future.all(first).map(cf -> cf.<ExecutionContext>list());
  }

  /**
   * Starts the mesh links of service process {@code id} of {@code topology} on {@code engine}.
   * Completes once its mesh server listens; the clients connect in the background
   * ({@link #clientsConnected()}).
   *
   * @param secret shared secret of the mesh links, or null
   */
  public static Future<ServiceMesh> start(OffloadEngine engine, Topology topology, int id, String secret,
      Duration connectTimeout) {
    ServiceProcessSpec me = topology.serviceProcess(id);
    int onHost = topology.host(me.hostId()).serviceProcesses().size();
    ServerOptions serverOptions = new ServerOptions().setHost(me.address()).setPort(me.meshPort())
        .setScope(Scope.INTER_SERVICE).setServiceProcessId(id)
        .setMaxPeers(Math.max(1, topology.serviceProcessCount())).setSecret(secret);
    return engine.listen(serverOptions).map(server -> {
      List<ClientOptions> higher = new ArrayList<>();
      RankInfo self = new RankInfo(0, id, topology.serviceProcessCount(), me.localId(), onHost, me.hostId());
      for (int h = id + 1; h < topology.serviceProcessCount(); h++) {
        ServiceProcessSpec peer = topology.serviceProcess(h);
        higher.add(new ClientOptions().setHost(peer.address()).setPort(peer.meshPort()).setScope(Scope.INTER_SERVICE)
            .setRankInfo(self).setSecret(secret).setConnectTimeout(connectTimeout));
      }
      return new ServiceMesh(engine, id, server, higher, id + 1);
    });
  }

  /** The server context the lower service processes connect to. */
  public ExecutionContext server() {
    return server;
  }

  /** Completes when this service process's links to every higher one are first up. */
  public Future<List<ExecutionContext>> clientsConnected() {
    return clients;
  }

  /** The client context linked to higher service process {@code serviceProcessId} now; empty while it is down. */
  public Optional<ExecutionContext> clientTo(int serviceProcessId) {
    int i = serviceProcessId - id - 1;
    return i < 0 || i >= links.size() ? Optional.empty() : Optional.ofNullable(links.get(i).current);
  }

  /** Stops reconnecting lost links (the links up stay until the engine closes). Idempotent. */
  public void close() {
    closed = true;
  }

  private boolean running() {
    return !closed && engine.state() == EngineState.RUNNING;
  }

  private static Departure departure(ExecutionContext ctx) {
    try {
      return ctx.peer(0).flatMap(p -> p.departure()).orElse(Departure.LOST);
    } catch (IllegalStateException closed) {
      return Departure.CLOSED; // the engine is closing it
    }
  }

  /** The client side of one link, kept up. */
  private final class Link {
    final int target;
    final ClientOptions options;
    final Promise<ExecutionContext> first = Promise.promise();
    volatile ExecutionContext current;
    long backoffMs = FIRST_RELINK_BACKOFF.toMillis();
    boolean failedOnce;

    Link(int target, ClientOptions options) {
      this.target = target;
      this.options = options;
    }

    void connect() {
      if (!running()) {
        return;
      }
      Future<ExecutionContext> attempt;
      try {
        attempt = engine.connect(options);
      } catch (IllegalStateException engineClosing) {
        return;
      }
      attempt.onSuccess(this::up).onFailure(this::failed);
    }

    private void up(ExecutionContext ctx) {
      if (!running()) {
        ctx.close();
        return;
      }
      current = ctx;
      backoffMs = FIRST_RELINK_BACKOFF.toMillis();
      if (!first.tryComplete(ctx)) {
        LOG.info("service process {}: mesh link to service process {} re-established", id, target);
      }
      failedOnce = false;
      ctx.lastPeerLeft().onComplete(v -> lost(ctx));
    }

    private void failed(Throwable e) {
      if (first.tryFail(e)) {
        LOG.error("service process {}: no mesh link to service process {}: {}; still trying", id, target,
            e.getMessage());
      } else if (!failedOnce) {
        LOG.warn("service process {}: mesh link to service process {} not back yet: {}; still trying", id, target,
            e.getMessage());
      }
      failedOnce = true;
      if (running()) {
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, MAX_RELINK_BACKOFF.toMillis());
        engine.vertx().setTimer(delay, t -> connect());
      }
    }

    private void lost(ExecutionContext ctx) {
      if (current == ctx) {
        current = null;
      }
      Departure how = departure(ctx);
      ctx.close();
      if (running()) {
        if (how == Departure.LOST) {
          LOG.warn("service process {}: mesh link to service process {} lost; reconnecting", id, target);
        } else {
          LOG.info("service process {}: service process {} finalized its mesh link; reconnecting", id, target);
        }
        connect();
      }
    }
  }
}
