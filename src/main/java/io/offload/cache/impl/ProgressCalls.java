package io.offload.cache.impl;

import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.concurrent.Callable;

/**
 * How the cache's API calls reach the progress thread, where every change runs: inside its
 * Vert.x context, so that futures made there (sends) reuse that one context instead of creating
 * one per call (shared/README §1); results complete on the caller's context.
 *
 * <p>Thread safety: any thread.
 */
final class ProgressCalls {

  private final Vertx vertx;
  private final UcxRuntime ucx;

  ProgressCalls(Vertx vertx, UcxRuntime ucx) {
    this.vertx = vertx;
    this.ucx = ucx;
  }

  /** Runs {@code task} on the progress thread, after what is queued there. */
  void run(Runnable task) {
    ContextInternal ctx = ucx.context();
    ucx.execute(() -> ctx.dispatch(task));
  }

  /** {@code task}'s result (or failure), on the caller's context. */
  <T> Future<T> call(Callable<T> task) {
    Promise<T> p = ((ContextInternal) vertx.getOrCreateContext()).promise();
    run(() -> {
      try {
        p.complete(task.call());
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  /** The future {@code task} makes on the progress thread, completed on the caller's context. */
  <T> Future<T> compose(Callable<Future<T>> task) {
    Promise<T> p = ((ContextInternal) vertx.getOrCreateContext()).promise();
    call(task).onComplete(ar -> {
      if (ar.failed()) {
        p.fail(ar.cause());
      } else {
        ar.result().onComplete(p);
      }
    });
    return p.future();
  }
}
