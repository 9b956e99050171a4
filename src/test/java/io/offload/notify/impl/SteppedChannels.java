package io.offload.notify.impl;

import io.offload.ucx.UcxFeatures;
import io.offload.notify.EventTypes;
import io.offload.notify.NotificationConsumer;
import io.offload.ucx.UcxOptions;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One notification service on a real UCX worker, stepped by hand: the runtime is caller-driven
 * and the calling thread is its progress thread (nothing runs unless {@link #step} is called).
 * Two channels of one context: {@link #sender} has a real endpoint to this very worker and
 * addresses {@link #receiver}, whose arrivals go to an inline consumer that records the first
 * int of each payload in {@link #received}.
 *
 * <p>Thread safety: the creating thread only (it drives the runtime).
 */
final class SteppedChannels implements AutoCloseable {

  static final int TYPE = EventTypes.FIRST_USER_TYPE + 7;
  /** Generous bound of a step loop: this is a wait for UCX, never a timing assertion. */
  private static final long STEP_BOUND_NANOS = 20_000_000_000L;

  final UcpContext ucp;
  final UcpWorker worker;
  final UcxRuntime ucx;
  final NotificationService<String> service;
  final Routes routes;
  final Channel<String> sender;
  final Channel<String> receiver;
  final List<Integer> received = new ArrayList<>();
  /** The most sends seen in flight on {@link #sender} after any step. */
  int maxInFlightSeen;

  SteppedChannels(Vertx vertx, int maxInFlight, int maxQueued, UcpParams params) {
    ucp = new UcpContext(params);
    worker = ucp.newWorker(new UcpWorkerParams());
    ucx = UcxRuntime.drive(vertx, "stepped", new UcxOptions(), ucp, worker);
    service = new NotificationService<>(vertx, ucx, maxInFlight, maxQueued, 1000, 1 << 20);
    service.start();
    routes = service.routes(null, "ctx-stepped");
    sender = service.newChannel(routes, 0);
    receiver = service.newChannel(routes, 1);
    sender.remoteId(receiver.id());
    receiver.remoteId(sender.id());
    receiver.owner("receiver");
    // registered on this thread, the progress thread's own context: called inline, in arrival order
    NotificationConsumer c = service.consumer(routes, TYPE, n -> received.add(n.payload().getInt(0)));
    step("the consumer installed", () -> c.completion().succeeded());
  }

  SteppedChannels(Vertx vertx, int maxInFlight, int maxQueued) {
    this(vertx, maxInFlight, maxQueued, UcxFeatures.requiredParams());
  }

  /** Gives {@link #sender} its endpoint to this worker (the step a bootstrap does). */
  void connectSender() {
    sender.endpoint(ucx.connect(ucx.workerAddress(), "stepped-sender"));
  }

  /** Sends {@code size} bytes whose first int is {@code tag}. */
  Future<Void> send(int tag, int size) {
    Buffer b = Buffer.buffer(new byte[Math.max(size, 4)]);
    b.setInt(0, tag);
    return service.send(sender, TYPE, b);
  }

  /** Progresses (tasks, then the worker) until {@code done}; throws after a generous bound. */
  void step(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + STEP_BOUND_NANOS;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("UCX never got to: " + what + " (in flight " + sender.inFlight() + ", queued "
            + sender.queued() + ", received " + received.size() + ")");
      }
      ucx.progress();
      maxInFlightSeen = Math.max(maxInFlightSeen, sender.inFlight());
    }
  }

  static List<Integer> upTo(int n) {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return l;
  }

  /** Closes both channels, stops the runtime (its endpoints close first), then the worker and context. */
  @Override
  public void close() {
    Future<Void> a = service.closeChannel(sender, "test over", true);
    Future<Void> b = service.closeChannel(receiver, "test over", true);
    step("the channels closed", () -> a.isComplete() && b.isComplete());
    Future<Void> stopped = ucx.stop();
    step("the runtime stopped", stopped::isComplete);
    ucx.releaseWorker();
    worker.close();
    ucp.close();
  }
}
