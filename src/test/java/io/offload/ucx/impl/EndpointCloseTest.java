package io.offload.ucx.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpConstants;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.openucx.jucx.ucs.UcsConstants;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing an endpoint whose flush cannot end in time (its peer does not progress, with sends still
 * queued to it): the close is left to UCX, not made a second time, and the flush ends once the peer
 * progresses, so that shutdown closes the worker (issue 16: a service process stuck after SIGTERM).
 * Real UCX: two workers of one context, the second progressed only when the test says so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EndpointCloseTest {

  private static final int AM_ID = 3;
  private static final long BOUND_NANOS = 30_000_000_000L;

  private final Vertx vertx = Vertx.vertx();
  private final ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
  private final ArrayDeque<Runnable> later = new ArrayDeque<>();
  private final UcpContext ucp = new UcpContext(new UcpParams().requestAmFeature().requestWakeupFeature());
  private final UcpWorker sender = ucp.newWorker(new UcpWorkerParams());
  private final UcpWorker stalled = ucp.newWorker(new UcpWorkerParams());
  private final List<ByteBuffer> payloads = new ArrayList<>(); // UCX reads them until their send completes

  @AfterEach
  void close() throws Exception {
    stalled.close();
    sender.close();
    ucp.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private final Endpoints endpoints = new Endpoints(later::add, () -> true, () -> context);
  private final List<UcpRequest> sends = new ArrayList<>();

  /** Progresses the sender and runs what Endpoints queued, until {@code done} (a bounded wait). */
  private void until(String what, BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + BOUND_NANOS;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      sender.progress();
      for (int n = later.size(); n > 0; n--) {
        later.poll().run();
      }
    }
  }

  /**
   * Sends to the stalled worker until UCX queues one (a send waits behind the ones queued before
   * it, so the last one tells), then starts a flush close of that endpoint, which must wait.
   */
  private Future<Void> flushCloseToStalledPeer() throws Exception {
    stalled.setAmRecvHandler(AM_ID, (header, headerLength, data, replyEp) -> UcsConstants.STATUS.UCS_OK,
        UcpConstants.UCP_AM_FLAG_WHOLE_MSG);
    ByteBuffer address = stalled.getAddress();
    byte[] peer = new byte[address.remaining()];
    address.get(peer);
    UcpEndpoint ep = endpoints.connect(sender, peer, "to-stalled");
    for (int i = 0; i < 100_000 && (sends.isEmpty() || sends.get(sends.size() - 1).isCompleted()); i++) {
      ByteBuffer payload = ByteBuffer.allocateDirect(64);
      payloads.add(payload);
      sends.add(ep.sendAmNonBlocking(AM_ID, 0, 0, UcxUtils.getAddress(payload), 64, 0, new UcxCallback() { }));
      sender.progress();
    }
    assertTrue(sends.stream().anyMatch(r -> !r.isCompleted()), "a send waits for the stalled peer");
    return endpoints.close(ep, false);
  }

  /**
   * Lets the stalled peer take the sends (progressing both workers, and nothing queued), then closes
   * every endpoint once, as shutdown does; bounded.
   */
  private void shutdown() throws Exception {
    long deadline = System.nanoTime() + BOUND_NANOS;
    while (!sends.stream().allMatch(UcpRequest::isCompleted)) {
      assertTrue(System.nanoTime() < deadline, "the sends reach the peer");
      sender.progress();
      stalled.progress();
    }
    assertTrue(endpoints.closeAll(sender, System.nanoTime() + BOUND_NANOS),
        "every close request ended: the worker may be closed");
  }

  @Test
  void shouldLeaveAFlushThatOutlastsItsWaitToUcxAndCloseTheWorkerOnceItEnds() throws Exception {
    Future<Void> closed = flushCloseToStalledPeer();
    until("the close gives up waiting for its flush", closed::isComplete);
    // the peer progresses again: the flush UCX still holds ends, and the worker can be closed
    shutdown();
  }

  @Test
  void shouldCompleteACloseStillWaitingWhenTheRuntimeStops() throws Exception {
    Future<Void> closed = flushCloseToStalledPeer();
    // the runtime stops now: its queued tasks (this close's wait among them) never run again
    later.clear();
    shutdown();
    long deadline = System.nanoTime() + BOUND_NANOS;
    while (!closed.isComplete() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertTrue(closed.isComplete(), "whoever waits for the close (a context's shutdown) is let go");
  }
}
