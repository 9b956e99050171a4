package io.offload.memory;

import io.offload.cache.CacheMissException;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Await;
import io.offload.testkit.EngineMode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openucx.jucx.UcxUtils;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank exposes its memory to its service process, which writes and reads it one-sided through
 * the cache; then the rank withdraws it and the service process's next access fails with a
 * {@link RegionWithdrawnException}. In both engine modes.
 */
class RankMemoryTest {

  static final long WAIT = 30;
  static final int GROUP = 0;
  static final int RANK = 1;

  Vertx vertx;
  EngineMode.Engines engines;
  OffloadEngine sp;
  OffloadEngine rank;
  ExecutionContext server;
  ExecutionContext client;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  void start(EngineMode mode) throws Exception {
    engines = mode.engines();
    sp = engines.create(vertx, new EngineOptions().setName("mem-sp")).await(WAIT, TimeUnit.SECONDS);
    rank = engines.create(vertx, new EngineOptions().setName("mem-rank")).await(WAIT, TimeUnit.SECONDS);
    server = sp.listen(new ServerOptions()).await(WAIT, TimeUnit.SECONDS);
    client = rank.connect(new ClientOptions().setPort(server.localPort()).setRankInfo(RankInfo.of(GROUP, RANK, 2)))
        .await(WAIT, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (engines != null) {
      engines.close();
    }
    vertx.close().await(WAIT, TimeUnit.SECONDS);
  }

  static ByteBuffer pattern(int size, int seed) {
    ByteBuffer b = ByteBuffer.allocateDirect(size);
    for (int i = 0; i < size; i++) {
      b.put(i, (byte) (i * 31 + (i >> 8) * 7 + seed)); // not periodic in 256: a shifted range shows
    }
    return b;
  }

  static Throwable failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.toCompletionStage().toCompletableFuture()
        .get(WAIT, TimeUnit.SECONDS));
    return e.getCause();
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldLetItsServiceProcessWriteAndReadTheRegionThenFailCleanlyOnceWithdrawn(EngineMode mode) throws Exception {
    start(mode);
    ByteBuffer memory = pattern(64 * 1024, 7);
    ExposedRegion mine = client.expose(0, memory).await(WAIT, TimeUnit.SECONDS);
    assertEquals(UcxUtils.getAddress(memory), mine.address());
    assertEquals(memory.capacity(), mine.length());

    // The service process finds it through its cache, by the rank's identity, and through its context.
    PeerRegion theirs = sp.cache().rankRegion(GROUP, RANK, mine.id());
    assertEquals(mine.address(), theirs.address());
    assertEquals(mine.length(), theirs.length());
    assertEquals(GROUP, theirs.groupId());
    assertEquals(RANK, theirs.rank());
    assertSame(theirs, server.peerRegion(theirs.peerId(), mine.id()).orElseThrow());
    assertEquals(List.of(theirs), server.peerRegions(theirs.peerId()));

    ByteBuffer read = ByteBuffer.allocateDirect(4096);
    theirs.get(8192, read).await(WAIT, TimeUnit.SECONDS);
    for (int i = 0; i < 4096; i++) {
      assertEquals(memory.get(8192 + i), read.get(i), "byte " + i + " read from the rank's memory");
    }
    ByteBuffer write = pattern(1000, 99);
    theirs.put(50_000, write).await(WAIT, TimeUnit.SECONDS);
    for (int i = 0; i < 1000; i++) {
      assertEquals(write.get(i), memory.get(50_000 + i), "byte " + i + " the service process wrote");
    }
    assertEquals(pattern(64 * 1024, 7).get(49_999), memory.get(49_999), "the byte before the write is untouched");
    ByteBuffer window = pattern(64, 1).position(16).limit(48); // position and limit of the local buffer count
    theirs.put(100, window).await(WAIT, TimeUnit.SECONDS);
    assertEquals(pattern(64, 1).slice(16, 32), memory.slice(100, 32));
    ByteBuffer into = ByteBuffer.allocateDirect(64).position(8).limit(24);
    theirs.get(100, into).await(WAIT, TimeUnit.SECONDS);
    assertEquals(pattern(64, 1).slice(16, 16), into.slice(8, 16), "read into the target's position");
    assertEquals(0, into.get(7), "nothing before the target's position");

    assertThrows(IllegalArgumentException.class, () -> theirs.get(64 * 1024 - 10, ByteBuffer.allocateDirect(11)));
    assertThrows(IllegalArgumentException.class, () -> theirs.put(0, ByteBuffer.allocate(8)));

    mine.withdraw().await(WAIT, TimeUnit.SECONDS);
    assertTrue(mine.isWithdrawn());
    assertTrue(theirs.isWithdrawn(), "the service process stopped before the rank deregistered");
    assertTrue(sp.cache().findRankRegion(GROUP, RANK, mine.id()).isEmpty());
    assertThrows(CacheMissException.class, () -> sp.cache().rankRegion(GROUP, RANK, mine.id()));
    assertTrue(server.peerRegion(theirs.peerId(), mine.id()).isEmpty());
    Throwable e = failure(theirs.get(0, ByteBuffer.allocateDirect(8)));
    assertInstanceOf(RegionWithdrawnException.class, e);
    assertTrue(e.getMessage().contains("withdrawn by its owner"), e.getMessage());
    assertInstanceOf(RegionWithdrawnException.class, failure(theirs.put(0, ByteBuffer.allocateDirect(8))));
    assertTrue(mine.withdraw().succeeded() || mine.withdraw().await(WAIT, TimeUnit.SECONDS) == null,
        "withdraw is idempotent");
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldConfirmAWithdrawalOnlyOnceTheAccessesInFlightAreDone(EngineMode mode) throws Exception {
    start(mode);
    int size = 16 << 20;
    ByteBuffer memory = pattern(size, 3);
    ExposedRegion mine = client.expose(0, memory).await(WAIT, TimeUnit.SECONDS);
    PeerRegion theirs = sp.cache().rankRegion(GROUP, RANK, mine.id());
    List<ByteBuffer> targets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      targets.add(ByteBuffer.allocateDirect(size));
    }
    // Started on the service process's UCX thread: all four are in flight before the withdrawal is even sent.
    Promise<List<Future<Void>>> started = Promise.promise();
    sp.ucxContext().runOnContext(v -> {
      List<Future<Void>> gets = new ArrayList<>();
      for (ByteBuffer t : targets) {
        gets.add(theirs.get(0, t));
      }
      started.complete(gets);
    });
    List<Future<Void>> gets = started.future().await(WAIT, TimeUnit.SECONDS);
    mine.withdraw().await(WAIT, TimeUnit.SECONDS);
    for (Future<Void> g : gets) {
      assertTrue(g.isComplete(), "an access in flight completed before the withdrawal was confirmed");
      assertTrue(g.succeeded(), () -> "an access started before the withdrawal succeeds: " + g.cause());
    }
    for (ByteBuffer t : targets) {
      assertEquals(memory.clear(), t.clear(), "the bytes read before the withdrawal");
    }
    assertInstanceOf(RegionWithdrawnException.class, failure(theirs.get(0, targets.get(0))));
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldReleaseEveryRegionWhenThePeerGoes(EngineMode mode) throws Exception {
    start(mode);
    ByteBuffer owned = pattern(4096, 1);
    ExposedRegion byAddress = client.expose(0, UcxUtils.getAddress(owned), 4096).await(WAIT, TimeUnit.SECONDS);
    ExposedRegion slice = client.expose(0, pattern(8192, 2).position(1024).limit(3072)).await(WAIT, TimeUnit.SECONDS);
    assertEquals(2048, slice.length());
    assertEquals(2048, slice.buffer().remaining());
    assertTrue(slice.id() != byAddress.id());
    PeerRegion a = sp.cache().rankRegion(GROUP, RANK, byAddress.id());
    PeerRegion b = sp.cache().rankRegion(GROUP, RANK, slice.id());
    a.put(100, pattern(16, 50)).await(WAIT, TimeUnit.SECONDS);
    assertEquals(pattern(16, 50), owned.slice(100, 16), "written through the region exposed by address");
    ByteBuffer head = ByteBuffer.allocateDirect(8);
    b.get(0, head).await(WAIT, TimeUnit.SECONDS);
    assertEquals(pattern(8192, 2).slice(1024, 8), head.clear(), "the slice starts at the buffer's position");

    client.close().await(WAIT, TimeUnit.SECONDS);
    byAddress.withdrawn().await(WAIT, TimeUnit.SECONDS);
    slice.withdrawn().await(WAIT, TimeUnit.SECONDS);
    assertTrue(byAddress.isWithdrawn() && slice.isWithdrawn());
    Await.until("the service process sees its rank lost", () -> a.isWithdrawn() && b.isWithdrawn(), WAIT,
        TimeUnit.SECONDS);
    Throwable e = failure(a.get(0, ByteBuffer.allocateDirect(8)));
    assertInstanceOf(RegionWithdrawnException.class, e);
    assertTrue(e.getMessage().contains("lost"), e.getMessage());
    assertTrue(sp.cache().findRankRegion(GROUP, RANK, byAddress.id()).isEmpty());
    assertTrue(byAddress.withdraw().await(WAIT, TimeUnit.SECONDS) == null, "withdrawing a released region succeeds");
  }

  @ParameterizedTest
  @EnumSource(EngineMode.class)
  void shouldRefuseBadArgumentsAtOnce(EngineMode mode) throws Exception {
    start(mode);
    assertThrows(IllegalArgumentException.class, () -> client.expose(0, ByteBuffer.allocate(64)));
    assertThrows(IllegalArgumentException.class, () -> client.expose(0, ByteBuffer.allocateDirect(0)));
    assertThrows(IllegalArgumentException.class, () -> client.expose(5, ByteBuffer.allocateDirect(64)));
    assertThrows(IllegalArgumentException.class, () -> client.expose(0, 0L, 64));
    assertThrows(IllegalArgumentException.class, () -> rank.self().expose(0, ByteBuffer.allocateDirect(64)));
    assertTrue(client.peerRegions(0).isEmpty());
    assertThrows(CacheMissException.class, () -> sp.cache().rankRegion(GROUP, RANK, 1));
    assertFalse(sp.cache().findRankRegion(GROUP, RANK, 1).isPresent());
  }
}
