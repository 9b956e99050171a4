package io.offload.ucx.impl;

import io.vertx.core.spi.context.executor.EventExecutorProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Vert.x service provider that turns each UCX progress thread, and the application thread of each
 * caller-driven engine, into the executor of an {@code EXTERNAL} Vert.x context. Every other
 * thread gets {@code null}, so Vert.x treats it as usual. Registered in
 * {@code META-INF/services/io.vertx.core.spi.VertxServiceProvider}.
 *
 * <p>Thread safety: safe from any thread.
 */
public final class ProgressExecutorProvider implements EventExecutorProvider {

  /** Application threads driving an engine (caller-driven mode), registered while it runs. */
  private static final Map<Thread, Executor> CALLER_THREADS = new ConcurrentHashMap<>();

  @Override
  public Executor eventExecutorFor(Thread thread) {
    return thread instanceof ProgressThread ? (ProgressThread) thread : CALLER_THREADS.get(thread);
  }

  /** Makes {@code thread} the executor's thread; false when it already drives an engine. */
  static boolean register(Thread thread, Executor executor) {
    return CALLER_THREADS.putIfAbsent(thread, executor) == null;
  }

  static void unregister(Thread thread, Executor executor) {
    CALLER_THREADS.remove(thread, executor);
  }
}
