package io.offload.engine.impl;

import io.offload.context.PhaseChange;
import io.offload.engine.EngineOptions;
import io.offload.engine.EngineState;
import io.offload.engine.OffloadEngine;
import io.offload.notify.impl.LocalCodec;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * How an engine starts: on a UCX runtime of its own (its progress thread), or driven by the caller on an adopted
 * worker. Either way the engine wires its parts ({@link EngineImpl#init}) and then makes its self peer on the UCX
 * thread. The result completes on the caller's context.
 */
final class EngineStart {

  private EngineStart() {
  }

  static Future<OffloadEngine> create(Vertx vertx, EngineOptions options) {
    if (options.getUcpWorker() != null && options.getUcpContext() == null) {
      return Future.failedFuture(new IllegalArgumentException("an adopted UCX worker needs the UCX context it was"
          + " made from: EngineOptions.setUcpContext"));
    }
    EngineImpl engine = new EngineImpl(vertx, options);
    LocalCodec.register(vertx.eventBus(), PhaseChange.class);
    LocalCodec.register(vertx.eventBus(), EngineState.class);
    if (options.getUcpWorker() != null) {
      return callerDriven(vertx, engine, options);
    }
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
    Promise<OffloadEngine> result = caller.promise();
    UcxRuntime.start(vertx, engine.id(), options.getUcx(), options.getUcpContext())
        .compose(ucx -> {
          engine.init(ucx);
          return ucx.call(engine::startOnUcxThread);
        })
        .map(engine::started)
        .onComplete(result);
    return result.future();
  }

  /** Caller-driven: everything on the calling thread, which becomes the UCX thread; no wait. */
  private static Future<OffloadEngine> callerDriven(Vertx vertx, EngineImpl engine, EngineOptions options) {
    UcxRuntime runtime;
    try {
      runtime = UcxRuntime.drive(vertx, engine.id(), options.getUcx(), options.getUcpContext(),
          options.getUcpWorker());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext(); // the application thread's EXTERNAL context now
    try {
      engine.init(runtime);
      return caller.succeededFuture(engine.started(engine.startOnUcxThread()));
    } catch (Throwable t) {
      runtime.stop();
      return caller.failedFuture(t);
    }
  }
}
