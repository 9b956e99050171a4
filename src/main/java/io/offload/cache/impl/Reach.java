package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.Handle;
import io.offload.cache.ServiceProcessAddress;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.impl.PeerImpl;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Any service process reachable: the handle of a service process this process is not linked to
 * yet is made on first use, by a link-only client context ({@link ClientOptions#LINK_ONLY}: the
 * service process serves nothing there) to the rank port the directory lists, with the options
 * (secret, timeouts, rank info) of this process's own client context. The handle is given (and
 * goes into the {@link Handles}) once the service process has sent its directory over the new
 * link, so its region (sent before) is in the handle already. First use is {@link #connect}
 * ({@code connectHandle}) or a synchronous {@code handle(sp)} that found none ({@link #missing}),
 * which starts the same link and throws meanwhile.
 *
 * <p>Thread safety: the engine's UCX progress thread only, except {@link #missing} (any thread).
 */
final class Reach {

  private final Links links;
  private final Handles handles;
  private final Directory directory;
  private final OneSided oneSided;
  private final Function<ClientOptions, Future<ExecutionContext>> connector;
  private final Consumer<Runnable> later;
  private final Map<Integer, Promise<Handle>> pending = new HashMap<>();
  /** Handles of links up, until their directory arrives. */
  private final Map<Integer, HandleImpl> made = new HashMap<>();
  /** Service processes a missed {@code handle(sp)} started a link to, until it is up or failed (any thread). */
  private final Set<Integer> started = ConcurrentHashMap.newKeySet();
  /** Why the last link a missed {@code handle(sp)} started failed, by service process (any thread). */
  private final Map<Integer, String> failures = new ConcurrentHashMap<>();
  /** Links up whose directory has not arrived yet, and the service process each is for. */
  private final Map<PeerImpl, Integer> awaitingDirectory = new IdentityHashMap<>();
  /** Server links whose directory arrived (before this side knew the link was for a handle). */
  private final Map<PeerImpl, Boolean> directorySeen = new IdentityHashMap<>();

  /**
   * @param connector starts a client context ({@code OffloadEngine.connect})
   * @param later     runs a task on the progress thread
   */
  Reach(Links links, Handles handles, Directory directory, OneSided oneSided,
      Function<ClientOptions, Future<ExecutionContext>> connector, Consumer<Runnable> later) {
    this.links = links;
    this.handles = handles;
    this.directory = directory;
    this.oneSided = oneSided;
    this.connector = connector;
    this.later = later;
  }

  /** A client context starts: a rank's link to its primary service process lends its options (any thread). */
  void clientStarting(ClientOptions options) {
    if (options.getScope() == io.offload.context.Scope.HOST_SERVICE && options.getServiceProcessIndex() == 0) {
      links.clientTemplate = new ClientOptions(options);
    }
  }

  /**
   * A synchronous {@code handle(sp)} found no handle (any thread): for a service process in the
   * directory, on a rank (a process with a client context to take the options from), starts the
   * link as {@link #connect} does, once (misses meanwhile, and {@code connectHandle}, share it),
   * and says it is being made; else why there is no handle. A link lost later is made again on
   * the next miss.
   */
  CacheMissException missing(int sp) {
    if (sp < 0 || directory.get(sp) == null || links.clientTemplate == null) {
      return Handles.noHandle(sp);
    }
    if (started.add(sp)) {
      later.accept(() -> connect(sp).onComplete(ar -> {
        if (ar.failed()) {
          failures.put(sp, String.valueOf(ar.cause().getMessage()));
        } else {
          failures.remove(sp);
        }
        started.remove(sp);
      }));
    }
    String failed = failures.get(sp);
    return new CacheMissException("no link to service process " + sp + " yet: it is being made (first use); retry "
        + "handle(" + sp + ") or use connectHandle(" + sp + "), a Future of it"
        + (failed == null ? "" : " (the last attempt failed: " + failed + ")"));
  }

  /**
   * Whether {@code p} is a link this class makes (its handle goes in once its directory arrived,
   * not when the peer is ready).
   */
  boolean makes(PeerImpl p) {
    int sp = p.serviceProcessId();
    return p.serviceIndex() == ClientOptions.LINK_ONLY
        && (pending.containsKey(sp) || handles.find(sp).map(h -> h.peer() == p).orElse(false));
  }

  /** The handle of {@code sp}: known, or once linked. */
  Future<Handle> connect(int sp) {
    Handle known = handles.find(sp).orElse(null);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Promise<Handle> p = pending.get(sp);
    if (p != null) {
      return p.future();
    }
    ServiceProcessAddress a = directory.get(sp);
    if (a == null) {
      List<Integer> ids = new ArrayList<>();
      directory.all().forEach(e -> ids.add(e.serviceProcessId()));
      return Future.failedFuture(new CacheMissException("service process " + sp + " is not in the directory here "
          + "(it lists " + ids + ")"));
    }
    ClientOptions template = links.clientTemplate;
    if (template == null) {
      return Future.failedFuture(new CacheMissException("no link to service process " + sp + " and none can be made: "
          + "this process has no client context to a service process to take the options from"
          + (links.localSp >= 0 ? " (a service process reaches the others through the mesh)" : "")));
    }
    ClientOptions o = new ClientOptions(template).setHost(a.host()).setPort(a.port())
        .setServiceProcessIndex(ClientOptions.LINK_ONLY).setServiceProcessCount(1);
    pending.put(sp, p = Promise.promise());
    connector.apply(o).onComplete(ar -> later.accept(() -> linked(sp, a, ar)));
    return p.future();
  }

  private void linked(int sp, ServiceProcessAddress a, AsyncResult<ExecutionContext> ar) {
    if (ar.failed()) {
      fail(sp, "cannot reach service process " + sp + " at " + a.host() + ":" + a.port() + ": "
          + ar.cause().getMessage());
      return;
    }
    ExecutionContext ctx = ar.result();
    PeerImpl peer = (PeerImpl) ctx.peer(0).orElse(null);
    if (peer == null || peer.serviceProcessId() != sp) {
      ctx.close();
      fail(sp, "reached service process " + (peer == null ? "?" : peer.serviceProcessId()) + " at " + a.host() + ":"
          + a.port() + ", not " + sp);
      return;
    }
    made.put(sp, new HandleImpl(sp, ctx, peer, null, oneSided));
    if (directorySeen.remove(peer) != null) {
      done(sp);
    } else {
      awaitingDirectory.put(peer, sp);
    }
  }

  /** A server link sent its directory. */
  void directoryFrom(PeerImpl server) {
    Integer sp = awaitingDirectory.remove(server);
    if (sp != null) {
      done(sp);
    } else {
      directorySeen.put(server, Boolean.TRUE);
    }
  }

  private void done(int sp) {
    Promise<Handle> p = pending.remove(sp);
    HandleImpl linked = made.remove(sp);
    if (linked != null) {
      handles.put(linked); // with the region, if one arrived over the link
    }
    Handle h = handles.find(sp).orElse(null);
    if (p != null) {
      if (h != null) {
        p.tryComplete(h);
      } else {
        p.tryFail(new CacheMissException("the link to service process " + sp + " was lost as it came up"));
      }
    }
  }

  private void fail(int sp, String why) {
    made.remove(sp);
    Promise<Handle> p = pending.remove(sp);
    if (p != null) {
      p.tryFail(new CacheMissException(why));
    }
  }

  /** A peer left. */
  void forget(PeerImpl p) {
    directorySeen.remove(p);
    Integer sp = awaitingDirectory.remove(p);
    if (sp != null) {
      fail(sp, "lost the link to service process " + sp + " as it came up: " + p.disconnectReason());
    }
  }

  /** The engine closes. */
  void failAll(String reason) {
    List<Promise<Handle>> all = new ArrayList<>(pending.values());
    pending.clear();
    made.clear();
    awaitingDirectory.clear();
    all.forEach(p -> p.tryFail(new CacheMissException(reason)));
  }
}
