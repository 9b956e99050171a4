package io.offload.ucx;

import io.vertx.core.spi.context.executor.EventExecutorProvider;

import java.util.concurrent.Executor;

/**
 * Vert.x service provider that turns each UCX progress thread into the executor of an
 * {@code EXTERNAL} Vert.x context. Every other thread gets {@code null}, so Vert.x treats it
 * as usual. Registered in {@code META-INF/services/io.vertx.core.spi.VertxServiceProvider}.
 */
public final class ProgressExecutorProvider implements EventExecutorProvider {

  @Override
  public Executor eventExecutorFor(Thread thread) {
    return thread instanceof ProgressThread ? (ProgressThread) thread : null;
  }
}
