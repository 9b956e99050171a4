package io.offload.engine;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * What {@link OffloadEngine#create} calls: the implementation, found once through
 * {@link java.util.ServiceLoader} (resource {@code META-INF/services/io.offload.engine.EngineFactory}),
 * so that this API package never names its implementation.
 */
public interface EngineFactory {

  /** See {@link OffloadEngine#create(Vertx, EngineOptions)}. */
  Future<OffloadEngine> create(Vertx vertx, EngineOptions options);
}
