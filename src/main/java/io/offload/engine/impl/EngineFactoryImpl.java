package io.offload.engine.impl;

import io.offload.engine.EngineFactory;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The {@link EngineFactory} behind {@link OffloadEngine#create}. */
public final class EngineFactoryImpl implements EngineFactory {

  @Override
  public Future<OffloadEngine> create(Vertx vertx, EngineOptions options) {
    return EngineStart.create(vertx, options);
  }
}
