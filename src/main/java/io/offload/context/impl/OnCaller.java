package io.offload.context.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/** The public edge's one rule: a returned future completes on the caller's Vert.x context. */
public final class OnCaller {

  private OnCaller() {
  }

  /** {@code f}, re-completed on the calling thread's Vert.x context. */
  public static <T> Future<T> complete(Vertx vertx, Future<T> f) {
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
    Promise<T> p = caller.promise();
    f.onComplete(p);
    return p.future();
  }
}
