package io.offload.engine.impl;

import io.offload.cache.impl.CacheService;
import io.offload.context.impl.ContextImpl;
import io.offload.engine.EngineState;
import io.offload.job.impl.JobService;
import io.offload.memory.impl.MemoryService;
import io.offload.notify.Addresses;
import io.offload.ops.impl.OperationsImpl;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's state (RUNNING, FINALIZING, TERMINATED, each published on the state address) and its close order:
 * children before parents, so that no part outlives what it uses and UCX goes last. Thread-safe.
 */
final class EngineLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(EngineImpl.class);

  /** What closes, in the order it closes. */
  record Parts(JobService jobs, OperationsImpl operations, CacheService cache, EngineContexts contexts,
      ContextImpl self, MemoryService memory, EngineMetrics metrics, UcxRuntime ucx) {
  }

  private final String id;
  private final Vertx vertx;
  private final Promise<Void> closed = Promise.promise();
  private volatile EngineState state = EngineState.RUNNING;

  EngineLifecycle(String id, Vertx vertx) {
    this.id = id;
    this.vertx = vertx;
  }

  EngineState state() {
    return state;
  }

  /** Completes once the engine has let go of UCX. */
  Future<Void> closed() {
    return closed.future();
  }

  /** Starts the close sequence once; later calls only share its end. */
  synchronized void close(Parts p) {
    if (state != EngineState.RUNNING) {
      return;
    }
    state = EngineState.FINALIZING;
    // before anything can terminate, so that observers see FINALIZING first
    vertx.eventBus().publish(Addresses.state(id), EngineState.FINALIZING, EngineEvents.LOCAL_ONLY);
    p.jobs().close();
    p.operations().close()
        .transform(x -> p.cache().close())
        .transform(x -> {
          List<Future<Void>> all = new ArrayList<>();
          for (ContextImpl c : p.contexts().all()) {
            all.add(c.close());
          }
          return Future.join(all);
        })
        .transform(v -> p.self().close())
        .transform(v -> p.memory().close()) // no endpoint left: no peer reaches a region any more
        .transform(v -> {
          p.metrics().close();
          return p.ucx().stop();
        })
        .onComplete(v -> {
          UcxRuntime ucx = p.ucx();
          if (ucx.callerDriven()) {
            // on the application's thread, inside progress(): its close future's callbacks run in
            // this same call (no wake-up needed), then the engine lets go of the worker
            ucx.context().runOnContext(x -> {
              terminate();
              ucx.releaseWorker();
            });
          } else {
            terminate();
          }
        });
  }

  private void terminate() {
    LOG.debug("engine {} closed", id);
    state = EngineState.TERMINATED;
    vertx.eventBus().publish(Addresses.state(id), EngineState.TERMINATED, EngineEvents.LOCAL_ONLY);
    closed.tryComplete();
  }

  void checkOpen() {
    if (state != EngineState.RUNNING) {
      throw new IllegalStateException("engine " + id + " is closed");
    }
  }

  void checkNotTerminated() {
    if (state == EngineState.TERMINATED) {
      throw new IllegalStateException("engine " + id + " has terminated: its UCX worker is gone");
    }
  }
}
