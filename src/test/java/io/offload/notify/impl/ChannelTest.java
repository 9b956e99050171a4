package io.offload.notify.impl;

import io.offload.notify.NotificationException;
import io.offload.testkit.Jvm;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.offload.notify.impl.SteppedChannels.TYPE;
import static io.offload.notify.impl.SteppedChannels.upTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A channel's flow control, per-sender order and failure, on a real UCX worker stepped by hand
 * from the test thread ({@link SteppedChannels}): every state between two steps is observable.
 */
class ChannelTest {

  /** Goes by rendezvous: UCX holds the send until the receiver has pulled it (needs steps). */
  static final int LARGE = 256 << 10;
  static Vertx vertx;
  SteppedChannels rig;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void shouldPostAtMostMaxInFlightSendsAndQueueTheRestInOrder() {
    rig = new SteppedChannels(vertx, 2, 100);
    rig.connectSender();
    List<Future<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sends.add(rig.send(i, LARGE));
    }
    // no step yet: two with UCX, four waiting behind them
    assertEquals(2, rig.sender.inFlight());
    assertEquals(4, rig.sender.queued());
    assertEquals(2, rig.service.stats().inFlight());
    assertEquals(4, rig.service.stats().queued());
    assertTrue(sends.stream().noneMatch(Future::isComplete), "nothing completes before UCX is progressed");

    rig.step("all six received and completed", () -> rig.received.size() == 6
        && sends.stream().allMatch(Future::isComplete));
    assertEquals(upTo(6), rig.received, "queued sends go out in the order they were made");
    assertTrue(sends.stream().allMatch(Future::succeeded));
    assertEquals(2, rig.maxInFlightSeen, "never more than maxInFlight with UCX");
    assertEquals(0, rig.sender.inFlight());
    assertEquals(0, rig.sender.queued());
    assertEquals(6, rig.service.stats().sent());
    assertEquals(6L * LARGE, rig.service.stats().sentBytes());
  }

  @Test
  void shouldQueueSendsUntilTheEndpointIsMadeThenPostThemInOrder() {
    rig = new SteppedChannels(vertx, 4, 100);
    List<Future<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sends.add(rig.send(i, 8));
    }
    for (int i = 0; i < 100; i++) {
      rig.ucx.progress();
    }
    assertEquals(3, rig.sender.queued(), "no endpoint yet: everything waits");
    assertEquals(0, rig.sender.inFlight());
    assertTrue(sends.stream().noneMatch(Future::isComplete));
    assertTrue(rig.received.isEmpty());

    rig.connectSender();
    rig.step("three received", () -> rig.received.size() == 3 && sends.stream().allMatch(Future::isComplete));
    assertEquals(upTo(3), rig.received);
    assertTrue(sends.stream().allMatch(Future::succeeded));
  }

  @Test
  void shouldFailASendBeyondMaxQueuedAtOnceAndKeepTheQueuedOnes() {
    rig = new SteppedChannels(vertx, 1, 3);
    List<Future<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sends.add(rig.send(i, 8));
    }
    Future<Void> fourth = rig.send(3, 8);
    assertTrue(fourth.failed(), "refused at once");
    assertInstanceOf(NotificationException.class, fourth.cause());
    assertTrue(fourth.cause().getMessage().contains("3 sends already wait for peer 0 of ctx-stepped (maxQueued)"),
        fourth.cause().getMessage());
    assertEquals(1, rig.service.stats().sendFailures());
    assertEquals(3, rig.sender.queued());

    rig.connectSender();
    rig.step("the three queued ones received", () -> rig.received.size() == 3
        && sends.stream().allMatch(Future::isComplete));
    assertEquals(upTo(3), rig.received, "the refused send is not among them");
    assertTrue(sends.stream().allMatch(Future::succeeded));
  }

  @Test
  void shouldFailQueuedAndInFlightSendsWithTheReasonAndEverySendAfter() {
    rig = new SteppedChannels(vertx, 2, 100);
    rig.connectSender();
    List<Future<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sends.add(rig.send(i, LARGE));
    }
    assertEquals(2, rig.sender.inFlight());
    assertEquals(3, rig.sender.queued());

    rig.sender.fail("peer 0 of ctx-stepped disconnected: test");
    for (Future<Void> f : sends) {
      assertTrue(f.failed(), "every send, in flight or queued, fails at once");
      assertInstanceOf(NotificationException.class, f.cause());
      assertEquals("peer 0 of ctx-stepped disconnected: test", f.cause().getMessage());
    }
    assertEquals(0, rig.sender.inFlight());
    assertEquals(0, rig.sender.queued());
    assertEquals(5, rig.service.stats().sendFailures(), "the two in flight are failures too");

    Future<Void> after = rig.send(9, 8);
    assertTrue(after.failed(), "a failed channel refuses at once");
    assertEquals("peer 0 of ctx-stepped disconnected: test", after.cause().getMessage());
    assertEquals(6, rig.service.stats().sendFailures());

    rig.sender.fail("a second reason");
    Future<Void> later = rig.send(10, 8);
    assertEquals("peer 0 of ctx-stepped disconnected: test", later.cause().getMessage(), "the first reason stays");
    // UCX still owns the two abandoned sends: their late completions change nothing
    for (int i = 0; i < 1000; i++) {
      rig.ucx.progress();
    }
    assertTrue(sends.stream().allMatch(Future::failed));
    assertEquals(0, rig.service.stats().sent());
  }

  @Test
  void shouldFailTheSendsOfAClosedChannelForgetItAndCountArrivalsForIt() {
    rig = new SteppedChannels(vertx, 2, 100);
    rig.connectSender();
    rig.send(0, 8);
    rig.step("the first received", () -> rig.received.size() == 1);
    int channels = rig.service.stats().channels();

    Future<Void> closed = rig.service.closeChannel(rig.receiver, "receiver gone: test", true);
    rig.step("the receiver closed", closed::isComplete);
    Future<Void> toForgotten = rig.send(1, 8);
    rig.step("the send to it completed and arrived", () -> toForgotten.isComplete()
        && rig.service.stats().unknownChannel() == 1);
    assertTrue(closed.succeeded());
    assertEquals(channels - 1, rig.service.stats().channels(), "the closed channel is forgotten");
    assertEquals(List.of(0), rig.received, "nothing delivered for a forgotten channel, the arrival counted");
    assertEquals(1, rig.service.stats().received());

    Future<Void> sender = rig.service.closeChannel(rig.sender, "sender closed: test", false);
    rig.step("the sender closed", sender::isComplete);
    Future<Void> afterClose = rig.send(2, 8);
    assertTrue(afterClose.failed());
    assertEquals("sender closed: test", afterClose.cause().getMessage());
  }

  @Test
  void shouldHoldArrivalsAheadOfTheirTurnUntilTheirTurnAndDropDuplicates() {
    rig = new SteppedChannels(vertx, 1, 10);
    Buffer lent = Buffer.buffer(new byte[4]);
    arrive(2, lent);
    arrive(1, lent);
    assertTrue(rig.received.isEmpty(), "ids 1 and 2 wait for id 0");
    arrive(0, lent);
    assertEquals(List.of(0, 1, 2), rig.received, "each at its turn, with the payload it arrived with");

    arrive(1, lent);
    assertEquals(1, rig.service.stats().duplicates(), "an id already delivered");
    arrive(5, lent);
    arrive(5, lent);
    assertEquals(2, rig.service.stats().duplicates(), "an id already waiting");
    arrive(4, lent);
    arrive(3, lent);
    assertEquals(List.of(0, 1, 2, 3, 4, 5), rig.received);
  }

  @Test
  void shouldRestoreSenderOrderWhenASmallSendOvertakesALargeOneOnTheWire() {
    rig = new SteppedChannels(vertx, 8, 100);
    rig.connectSender();
    // the large one is announced, then pulled (rendezvous); the small one behind it comes whole
    for (int round = 0; round < 3; round++) {
      rig.send(3 * round, 1 << 20);
      rig.send(3 * round + 1, 8);
      rig.send(3 * round + 2, 16);
    }
    rig.step("nine received", () -> rig.received.size() == 9);
    assertEquals(upTo(9), rig.received);
  }

  /**
   * Thousands of small sends queued (a bootstrap not finished, a slow peer) over TCP, where UCX
   * completes each inside its post: they must go out in a loop, not one stack frame deeper each.
   * In a child JVM, because the failure this guards against is the JVM dying (SIGSEGV in JUCX).
   */
  @Test
  void shouldPostALongBacklogOfImmediatelyCompletingSendsWithoutRecursion() throws Exception {
    try (Jvm child = Jvm.start("channel-backlog", ChannelBacklog.class.getName(), List.of("20000"))) {
      int exit = child.awaitExit(60, TimeUnit.SECONDS);
      assertEquals(0, exit, child.output());
      assertTrue(child.lines().contains("delivered 20000 in order"), child.output());
    }
  }

  /** A notification for the receiver with id {@code eventId}, its payload lent and reused after. */
  private void arrive(long eventId, Buffer lent) {
    lent.setInt(0, (int) eventId);
    rig.receiver.arrived(TYPE, eventId, lent, true);
    lent.setInt(0, -1); // what the arrival path does to its lent buffer next
    assertFalse(rig.received.contains(-1), "a held arrival kept its own copy");
  }
}
