package io.offload.notify;

import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.testkit.EngineMode;
import io.offload.topology.RankInfo;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payloads received into the application's memory: a consumer with a {@link PayloadAllocator}
 * gets 0 B to 1 MiB payloads (eager and rendezvous) in buffers the allocator handed out, every
 * byte exact, and every buffer given back once.
 */
class PayloadAllocatorTest {

  static final int TYPE = EventTypes.FIRST_USER_TYPE + 300;
  static final long WAIT = 30;
  /** Eager and rendezvous sizes, the edges of the library's pool classes, up to 1 MiB. */
  static final int[] SIZES = {0, 1, 7, 63, 64, 65, 1000, 4095, 4096, 8191, 8192, 8193, 65_535, 65_536, 100_000,
      262_144, 500_000, 1 << 20, 0, 3, 1 << 20, 777_777};
  /** The allocator's buffers start this far in, to check that the payload goes at their position. */
  static final int OFFSET = 8;
  static final byte GUARD = (byte) 0xEE;

  Vertx vertx;
  EngineMode.Engines engines;
  OffloadEngine sp;
  ExecutionContext server;
  ExecutionContext client;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (engines != null) {
      engines.close();
    }
    vertx.close().await(WAIT, TimeUnit.SECONDS);
  }

  void start(EngineMode mode) throws Exception {
    engines = mode.engines();
    sp = engines.create(vertx, new EngineOptions().setName("alloc-sp")).await(WAIT, TimeUnit.SECONDS);
    OffloadEngine rank = engines.create(vertx, new EngineOptions().setName("alloc-rank")).await(WAIT, TimeUnit.SECONDS);
    server = sp.listen(new ServerOptions()).await(WAIT, TimeUnit.SECONDS);
    client = rank.connect(new ClientOptions().setPort(server.localPort()).setRankInfo(RankInfo.of(0, 0, 1)))
        .await(WAIT, TimeUnit.SECONDS);
  }

  /** The content of the i-th payload. */
  static Buffer payload(int i, int size) {
    byte[] b = new byte[size];
    for (int k = 0; k < size; k++) {
      b[k] = (byte) (k * 13 + i * 7 + 1);
    }
    return Buffer.buffer(b);
  }

  /** Hands out guarded direct buffers and records every get and give-back. */
  static final class RecordingAllocator implements PayloadAllocator {
    final Map<ByteBuffer, Integer> live = Collections.synchronizedMap(new IdentityHashMap<>());
    final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    volatile int allocated;
    volatile int released;
    volatile boolean refuse;

    @Override
    public ByteBuffer allocate(int size) {
      if (refuse) {
        return null;
      }
      ByteBuffer b = ByteBuffer.allocateDirect(size + 2 * OFFSET);
      for (int i = 0; i < b.capacity(); i++) {
        b.put(i, GUARD);
      }
      b.position(OFFSET).limit(OFFSET + size);
      live.put(b, size);
      sizes.add(size);
      allocated++;
      return b;
    }

    @Override
    public void release(ByteBuffer b) {
      Integer size = live.remove(b);
      if (size == null) {
        problems.add("given back a buffer it did not hand out, or twice: " + b);
        return;
      }
      if (b.position() != OFFSET || b.limit() != OFFSET + size) {
        problems.add("the library moved the buffer's position or limit: " + b);
      }
      ByteBuffer all = b.duplicate().clear();
      for (int i = 0; i < OFFSET; i++) {
        if (all.get(i) != GUARD || all.get(OFFSET + size + i) != GUARD) {
          problems.add("bytes outside the payload of a " + size + "-byte buffer were written");
          break;
        }
      }
      released++;
    }
  }

  /** Checks the {@code i}-th arrival (order per sender is kept) against what was sent, in the user's buffer itself. */
  static String check(int i, Notification n, RecordingAllocator allocator, boolean expectUserMemory) {
    int size = SIZES[i % SIZES.length];
    Buffer expected = payload(i, size);
    if (!expected.equals(n.payload())) {
      int k = 0;
      while (k < Math.min(size, n.payload().length()) && expected.getByte(k) == n.payload().getByte(k)) {
        k++;
      }
      return "payload " + i + " (" + size + " B) differs: " + n.payload().length() + " B arrived, byte " + k
          + (k < n.payload().length() ? " is " + n.payload().getByte(k) + " not " + expected.getByte(k) : "");
    }
    ByteBuffer mine = n.payloadBuffer();
    if (!expectUserMemory) {
      return mine == null ? null : "payload " + i + " claims application memory";
    }
    if (mine == null || !allocator.live.containsKey(mine)) {
      return "payload " + i + " is not in a buffer the allocator handed out: " + mine;
    }
    ByteBuffer in = mine.duplicate();
    for (int k = 0; k < size; k++) {
      if (in.get(OFFSET + k) != expected.getByte(k)) {
        return "byte " + k + " of payload " + i + " in the user's buffer differs";
      }
    }
    return null;
  }

  void sendAll(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      client.notify(0, TYPE, payload(i, SIZES[i % SIZES.length])).await(WAIT, TimeUnit.SECONDS);
    }
  }

  void assertBalanced(RecordingAllocator a, int count) {
    Await.until(() -> "every buffer given back (" + a.released + " of " + a.allocated + ")",
        () -> a.released == a.allocated && a.allocated >= count, WAIT, TimeUnit.SECONDS);
    assertEquals(count, a.allocated, "one buffer per payload");
    assertEquals(a.allocated, a.released);
    assertTrue(a.live.isEmpty());
    assertEquals(List.of(), a.problems);
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldReceiveEveryPayloadStraightIntoTheApplicationsBuffersOnTheFastPath(EngineMode mode) throws Exception {
    start(mode);
    RecordingAllocator allocator = new RecordingAllocator();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    int count = 2 * SIZES.length;
    Promise<Void> all = Promise.promise();
    Promise<Void> registered = Promise.promise();
    int[] seen = {0};
    sp.ucxContext().runOnContext(v -> server.consumer(TYPE, allocator, n -> {
      String p = check(seen[0], n, allocator, true);
      if (p != null) {
        problems.add(p);
      }
      if (++seen[0] == count) {
        all.tryComplete();
      }
    }).completion().onComplete(registered));
    registered.future().await(WAIT, TimeUnit.SECONDS);
    sendAll(count);
    all.future().await(WAIT, TimeUnit.SECONDS);
    assertEquals(List.of(), problems);
    assertBalanced(allocator, count);
    List<Integer> expectedSizes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expectedSizes.add(SIZES[i % SIZES.length]);
    }
    assertEquals(expectedSizes, allocator.sizes, "the allocator was asked for each payload's exact size, in order");
  }

  @Test
  void shouldGiveTheBufferBackAfterAHandlerOnAnEventLoop() throws Exception {
    start(EngineMode.PROGRESS_THREAD);
    RecordingAllocator allocator = new RecordingAllocator();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    Set<Thread> threads = Collections.synchronizedSet(new java.util.HashSet<>());
    int count = SIZES.length;
    Promise<Void> all = Promise.promise();
    int[] seen = {0};
    server.consumer(TYPE, allocator, n -> {
      threads.add(Thread.currentThread());
      String p = check(seen[0], n, allocator, true);
      if (p != null) {
        problems.add(p);
      }
      if (++seen[0] == count) {
        all.tryComplete();
      }
    }).completion().await(WAIT, TimeUnit.SECONDS);
    sendAll(count);
    all.future().await(WAIT, TimeUnit.SECONDS);
    assertEquals(List.of(), problems);
    assertBalanced(allocator, count);
    assertTrue(threads.stream().allMatch(t -> t.getName().startsWith("vert.x-eventloop")), threads::toString);
  }

  @Test
  void shouldCopyPayloadsKeptBeforeTheConsumerIntoTheApplicationsMemoryAndFallBackWhenTheAllocatorHasNone()
      throws Exception {
    start(EngineMode.PROGRESS_THREAD);
    int kept = 6;
    long before = sp.notificationStats().receivedBytes();
    long bytes = 0;
    for (int i = 0; i < kept; i++) {
      bytes += SIZES[i];
    }
    sendAll(kept);
    long expected = before + bytes;
    Await.until("the early payloads arrived", () -> sp.notificationStats().receivedBytes() >= expected, WAIT,
        TimeUnit.SECONDS);
    RecordingAllocator allocator = new RecordingAllocator();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    Promise<Void> first = Promise.promise();
    Promise<Void> rest = Promise.promise();
    int[] seen = {0};
    server.consumer(TYPE, allocator, n -> {
      String p = check(seen[0], n, allocator, seen[0] < kept);
      if (p != null) {
        problems.add(p);
      }
      seen[0]++;
      if (seen[0] == kept) {
        first.tryComplete();
      } else if (seen[0] == 2 * kept) {
        rest.tryComplete();
      }
    }).completion().await(WAIT, TimeUnit.SECONDS);
    first.future().await(WAIT, TimeUnit.SECONDS);
    assertBalanced(allocator, kept);
    allocator.refuse = true; // no memory now: the library's own is used
    for (int i = kept; i < 2 * kept; i++) {
      client.notify(0, TYPE, payload(i, SIZES[i])).await(WAIT, TimeUnit.SECONDS);
    }
    rest.future().await(WAIT, TimeUnit.SECONDS);
    assertEquals(List.of(), problems);
    assertEquals(kept, allocator.allocated);
  }

  @Test
  void shouldRefuseANullAllocator() throws Exception {
    start(EngineMode.PROGRESS_THREAD);
    assertThrows(IllegalArgumentException.class, () -> server.consumer(TYPE, null, n -> { }));
    assertThrows(IllegalArgumentException.class, () -> sp.consumer(TYPE, null, n -> { }));
  }
}
