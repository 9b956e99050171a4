package io.offload.bootstrap.impl;

import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerEvents;
import io.offload.context.impl.Transport;
import io.offload.engine.EngineOptions;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.function.Supplier;

/**
 * What the bootstrap works with, given by the engine that wires it: the event loop its state
 * machines run on, the engine's limits, the transport, where peer events go, how contexts are
 * opened, who is admitted and the engine's probe key.
 */
public record BootstrapSite(String engineId, Vertx vertx, ContextInternal eventLoop, EngineOptions limits,
                            Transport transport, PeerEvents events, Contexts contexts, Admission admission,
                            ProbeNonce probes) {

  /** Runs {@code task} on the event loop; the result completes there. */
  public <T> Future<T> onEventLoop(Supplier<Future<T>> task) {
    Promise<T> p = eventLoop.promise();
    eventLoop.runOnContext(v -> {
      try {
        task.get().onComplete(p);
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  /** The engine's contexts, as the bootstrap sees them. */
  public interface Contexts {

    /** A number unique among the engine's contexts (names them, and a server's id). */
    int nextNumber();

    /** A new context of the engine, registered with it. */
    ContextImpl open(String id, Role role, Scope scope);
  }

  /** Whether a rank may join (the cache's view of group claims): why not, or null. */
  @FunctionalInterface
  public interface Admission {
    String refusal(Scope scope, RankInfo rank);
  }
}
