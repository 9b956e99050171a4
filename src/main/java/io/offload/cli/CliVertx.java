package io.offload.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

/**
 * The Vert.x instances the commands create. The CLI reads no files through Vert.x, so classpath
 * resolving and its file cache are off: with them on, every JVM creates a cache directory and its
 * delete-on-exit hook at start-up, about 1.5 of the 60 CPU-s of the 68-JVM demo (README, "Demo with
 * one JVM per process").
 */
final class CliVertx {

  private CliVertx() {
  }

  static VertxOptions options() {
    return new VertxOptions().setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)
        .setFileCachingEnabled(false));
  }

  static Vertx create() {
    return Vertx.vertx(options());
  }

  /**
   * For a rank: one event loop, which carries its one OOB connection (its UCX traffic has the
   * engine's progress thread). Vert.x's default, twice the cores, opened a selector per loop in
   * every rank JVM.
   */
  static Vertx forOneConnection() {
    return Vertx.vertx(options().setEventLoopPoolSize(1));
  }
}
