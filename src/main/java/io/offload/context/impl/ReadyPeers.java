package io.offload.context.impl;

import io.offload.context.BootstrapPhase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayList;
import java.util.List;

/**
 * How many of a context's peers are bootstrapped now, and who waits for the last of them to leave
 * ({@link io.offload.context.ExecutionContext#lastPeerLeft}). Thread-safe (guarded by itself); the waiters are
 * completed outside the lock, since their callbacks may call back into the context.
 */
final class ReadyPeers {

  /** Peers at BOOTSTRAP_DONE now, and whether any ever was. */
  private int ready;
  private boolean everReady;
  /** The context has closed: nobody is left to wait for. */
  private boolean closed;
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();

  /** A peer changed phase (its event loop): counts the bootstrapped ones, wakes the waiters when the last leaves. */
  void peerMoved(BootstrapPhase from, BootstrapPhase to) {
    List<Promise<Void>> wake = null;
    synchronized (this) {
      if (to == BootstrapPhase.BOOTSTRAP_DONE) {
        ready++;
        everReady = true;
      } else if (from == BootstrapPhase.BOOTSTRAP_DONE && to == BootstrapPhase.DISCONNECTED && --ready == 0) {
        wake = takeIdleWaiters();
      }
    }
    completeAll(wake);
  }

  /** Completes on {@code caller} once no bootstrapped peer is left (at once if one was and is gone, or closed). */
  Future<Void> lastPeerLeft(ContextInternal caller) {
    synchronized (this) {
      if (closed || (everReady && ready == 0)) {
        return caller.succeededFuture();
      }
      Promise<Void> p = caller.promise();
      idleWaiters.add(p);
      return p.future();
    }
  }

  /** The context has closed: every waiter is done. */
  void contextClosed() {
    List<Promise<Void>> wake;
    synchronized (this) {
      closed = true;
      wake = takeIdleWaiters();
    }
    completeAll(wake);
  }

  private List<Promise<Void>> takeIdleWaiters() {
    List<Promise<Void>> all = new ArrayList<>(idleWaiters);
    idleWaiters.clear();
    return all;
  }

  private static void completeAll(List<Promise<Void>> promises) {
    if (promises != null) {
      promises.forEach(Promise::tryComplete);
    }
  }
}
