package io.offload.ucx.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The endpoints of one worker: made, closed (flushed, or forced when the peer is dead), and all
 * closed before the worker is. A worker closed with a close request still pending aborts the JVM,
 * so every request is kept until it completes.
 *
 * <p>Thread safety: the progress thread only.
 */
final class Endpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);
  /** How long a close waits for its endpoint to flush before it leaves the flush to UCX (see {@link #close}). */
  private static final long CLOSE_FLUSH_NANOS = 500_000_000L;
  /** A shutdown whose close requests take longer than this says so. */
  private static final long SLOW_CLOSE_NANOS = 2_000_000_000L;

  private final Set<UcpEndpoint> open = Collections.newSetFromMap(new IdentityHashMap<>());
  /**
   * Every close request not seen complete yet, from the moment it is made: shutdown waits for
   * them all, also for a flush still being waited for when the agent stops (its wait, a queued
   * task, never runs again then; a worker destroyed with such a request aborts the JVM).
   */
  private final List<UcpRequest> unfinished = new ArrayList<>();
  /** The futures of closes whose request is still being waited for (completed by {@link #stopWaiting}). */
  private final List<Promise<Void>> closing = new ArrayList<>();
  private final Executor later;
  private final BooleanSupplier running;
  private final Supplier<ContextInternal> context;

  /**
   * @param later   runs a task on the progress thread after what is queued (a close waits in steps)
   * @param running false once the runtime stops: waiting ends
   * @param context the progress thread's Vert.x context, for the futures
   */
  Endpoints(Executor later, BooleanSupplier running, Supplier<ContextInternal> context) {
    this.later = later;
    this.running = running;
    this.context = context;
  }

  /** A new endpoint of {@code worker} to a peer's worker address. */
  UcpEndpoint connect(UcpWorker worker, byte[] peerAddress, String name) {
    ByteBuffer address = ByteBuffer.allocateDirect(peerAddress.length);
    address.put(peerAddress).flip();
    UcpEndpoint ep = worker.newEndpoint(new UcpEndpointParams()
        .setUcpAddress(address)
        .setName(name)
        .setErrorHandler((endpoint, status, message) ->
            LOG.debug("UCX endpoint {} error {}: {}", name, status, message)));
    open.add(ep);
    return ep;
  }

  /**
   * Flushes and closes {@code ep}, or forces it closed. A flush that does not end in time is left to
   * UCX: the endpoint is closing and cannot be closed again (UCX answers a second close, even a
   * forced one, with "Invalid parameter"), so the future completes and shutdown waits for the
   * request ({@link #closeAll}). The future also completes when the runtime stops first.
   */
  Future<Void> close(UcpEndpoint ep, boolean force) {
    Promise<Void> done = context.get().promise();
    if (!open.remove(ep)) {
      done.complete();
      return done.future();
    }
    UcpRequest request;
    try {
      request = force ? ep.closeNonBlockingForce() : ep.closeNonBlockingFlush();
    } catch (Throwable t) {
      LOG.debug("closing endpoint failed", t);
      done.complete();
      return done.future();
    }
    unfinished.add(request);
    closing.add(done);
    awaitRequest(request, System.nanoTime() + CLOSE_FLUSH_NANOS, () -> {
      if (request.isCompleted()) {
        unfinished.remove(request);
      } else {
        LOG.debug("closing an endpoint ({}) not done after {} ms: left to UCX, waited for at shutdown",
            force ? "forced" : "flush", CLOSE_FLUSH_NANOS / 1_000_000);
      }
      closing.remove(done);
      done.tryComplete();
    });
    return done.future();
  }

  /**
   * The runtime stopped: the waits of closes still under way never run again (queued tasks), so
   * their futures complete now; their requests are in {@link #unfinished}.
   */
  void stopWaiting() {
    List<Promise<Void>> all = new ArrayList<>(closing);
    closing.clear();
    all.forEach(Promise::tryComplete);
  }

  private void awaitRequest(UcpRequest request, long deadline, Runnable then) {
    if (request.isCompleted() || System.nanoTime() > deadline || !running.getAsBoolean()) {
      then.run();
    } else {
      later.execute(() -> awaitRequest(request, deadline, then));
    }
  }

  /** Adds the close requests already under way to {@code requests} and force-closes every endpoint still open. */
  void forceCloseAll(List<UcpRequest> requests) {
    requests.addAll(unfinished);
    unfinished.clear();
    for (UcpEndpoint ep : open) {
      try {
        requests.add(ep.closeNonBlockingForce());
      } catch (Throwable t) {
        LOG.debug("force close failed", t);
      }
    }
    open.clear();
  }

  /**
   * Whether every close request, those in {@code requests} and any made since, completed; the
   * completed ones leave {@code requests}, so that a pass checks only what is still pending.
   */
  boolean allClosed(List<UcpRequest> requests) {
    requests.removeIf(UcpRequest::isCompleted);
    return requests.isEmpty() && unfinished.stream().allMatch(UcpRequest::isCompleted);
  }

  /**
   * Force-closes every endpoint and progresses {@code worker} until every close request has
   * completed (the agent has ended: nothing else progresses it); false if some never did by
   * {@code deadline}.
   */
  boolean closeAll(UcpWorker worker, long deadline) {
    stopWaiting();
    List<UcpRequest> requests = new ArrayList<>();
    int earlier = unfinished.size(); // forceCloseAll puts the closes begun before the shutdown first
    forceCloseAll(requests);
    long warnAt = System.nanoTime() + SLOW_CLOSE_NANOS;
    // requests before `done` have completed: each pass checks from the first pending one on, not the whole list
    // again (with hundreds of endpoints the full scans per progress call took seconds of CPU at close)
    int done = 0;
    while (true) {
      while (done < requests.size() && requests.get(done).isCompleted()) {
        done++;
      }
      if (done == requests.size()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      if (warnAt != 0 && System.nanoTime() > warnAt) {
        warnAt = 0;
        long earlierPending = requests.subList(Math.min(done, earlier), earlier).stream()
            .filter(r -> !r.isCompleted()).count();
        LOG.warn("{} of {} endpoint close requests still pending after {} ms ({} of them begun before the shutdown, "
            + "the others forced by it)", requests.size() - done, requests.size(), SLOW_CLOSE_NANOS / 1_000_000,
            earlierPending);
      }
      try {
        worker.progress();
      } catch (Throwable e) {
        LOG.warn("UCX worker progress failed while closing endpoints", e);
        return false;
      }
    }
  }
}
