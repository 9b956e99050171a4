package io.offload.notify;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * A meta-event: a group of sends that completes when all of its sends have (as the C original's
 * meta-events complete when all their sub-events have). Add the futures of
 * {@code ExecutionContext.notify(...)} calls, then {@link #seal()}: the returned future
 * succeeds when every send succeeded, or fails, once all are complete, with the first failure.
 *
 * <p>Thread safety: safe for any thread.
 */
public final class EventGroup {

  private final List<Future<?>> sends = new ArrayList<>();
  private Future<Void> sealed;

  /** Adds one send. Throws once sealed. */
  public synchronized EventGroup add(Future<?> send) {
    if (sealed != null) {
      throw new IllegalStateException("event group is sealed; start a new one");
    }
    sends.add(send);
    return this;
  }

  /** No more sends; the future of the whole group. Idempotent. */
  public synchronized Future<Void> seal() {
    if (sealed == null) {
      sealed = Future.join(new ArrayList<>(sends)).mapEmpty();
    }
    return sealed;
  }

  public synchronized int size() {
    return sends.size();
  }

  /** Sends complete so far (successfully or not). */
  public synchronized int completed() {
    return (int) sends.stream().filter(Future::isComplete).count();
  }

  /** Sends failed so far. */
  public synchronized int failed() {
    return (int) sends.stream().filter(Future::failed).count();
  }
}
