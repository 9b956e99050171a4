package io.offload.verticles;

import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.notify.Notification;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * A service process: an engine with one server context that ranks bootstrap against. It echoes
 * {@link Echo#TYPE} notifications back to their sender, from the UCX progress thread (no hop).
 *
 * <p>Config (see {@code verticles/service-process.json}): {@code engine} ({@link EngineOptions}
 * JSON) and {@code server} ({@link ServerOptions} JSON). Undeploying finalizes everything.
 */
public class ServiceProcessVerticle extends VerticleBase {

  private OffloadEngine engine;
  private ExecutionContext server;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    EngineOptions engineOptions = new EngineOptions(conf.getJsonObject("engine", new JsonObject()));
    ServerOptions serverOptions = new ServerOptions(conf.getJsonObject("server", new JsonObject()));
    return OffloadEngine.create(vertx, engineOptions)
        .compose(e -> {
          engine = e;
          return startEcho(e);
        })
        .compose(v -> engine.listen(serverOptions))
        .onSuccess(s -> server = s);
  }

  /** Registers the echo consumer on the UCX context, before any peer can send. */
  private Future<Void> startEcho(OffloadEngine e) {
    Promise<Void> registered = Promise.promise();
    e.ucxContext().runOnContext(v -> {
      MessageConsumer<Notification> c = vertx.eventBus().localConsumer(e.address(Echo.TYPE), m -> {
        Notification n = m.body();
        for (ExecutionContext ctx : e.contexts()) {
          if (ctx.id().equals(n.contextId()) && !ctx.isClosed()) {
            ctx.notify(n.peerId(), Echo.TYPE, n.payload());
          }
        }
      });
      c.completion().onComplete(registered);
    });
    return registered.future();
  }

  @Override
  public Future<?> stop() {
    return engine == null ? Future.succeededFuture() : engine.close();
  }

  public OffloadEngine engine() {
    return engine;
  }

  /** The server context, once started. */
  public ExecutionContext server() {
    return server;
  }
}
