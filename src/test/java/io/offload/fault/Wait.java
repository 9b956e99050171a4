package io.offload.fault;

import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits on futures from a test thread, failing the test with the reason. */
final class Wait {

  private Wait() {
  }

  static <T> T get(Future<T> f, long seconds) {
    try {
      return f.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + seconds + " s", e);
    }
  }

  /** The failure of {@code f}, which must fail within {@code seconds}. */
  static Throwable failure(Future<?> f, long seconds) {
    try {
      f.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("neither success nor failure within " + seconds + " s", e);
    } catch (Throwable t) {
      return f.cause() != null ? f.cause() : t;
    }
    throw new AssertionError("expected a failure, got " + f.result());
  }
}
