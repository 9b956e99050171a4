package io.offload.engine;

import java.util.ServiceLoader;

/** The engine factory, loaded once. */
final class Factories {

  static final EngineFactory ENGINE = ServiceLoader.load(EngineFactory.class, EngineFactory.class.getClassLoader())
      .findFirst()
      .orElseThrow(() -> new IllegalStateException("no io.offload.engine.EngineFactory on the class path: the "
          + "offload-contexts jar is incomplete (META-INF/services/io.offload.engine.EngineFactory)"));

  private Factories() {
  }
}
