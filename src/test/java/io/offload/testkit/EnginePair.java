package io.offload.testkit;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.OffloadEngine;
import io.offload.topology.RankInfo;
import io.vertx.core.Promise;

import java.util.concurrent.TimeUnit;

/** A service-process engine and a rank engine of one JVM, connected through the public API. */
public final class EnginePair {

  private EnginePair() {
  }

  /**
   * {@code sp} answers every notification of {@code type} with its payload as it is, from its
   * progress thread (an engine-wide consumer, so any of its contexts); returns once registered.
   */
  public static void echo(OffloadEngine sp, int type) throws Exception {
    Promise<Void> ready = Promise.promise();
    sp.ucxContext().runOnContext(v -> sp.consumer(type, n -> n.context().notify(n.peerId(), type, n.payload()))
        .completion().onComplete(ready));
    ready.future().await(10, TimeUnit.SECONDS);
  }

  /** {@code sp} listens and {@code rank} connects as rank 0 of a group of 1; returns the rank's context. */
  public static ExecutionContext connect(OffloadEngine sp, OffloadEngine rank) throws Exception {
    ExecutionContext server = sp.listen(new ServerOptions()).await(10, TimeUnit.SECONDS);
    return rank.connect(new ClientOptions().setPort(server.localPort()).setRankInfo(RankInfo.of(0, 0, 1)))
        .await(10, TimeUnit.SECONDS);
  }
}
