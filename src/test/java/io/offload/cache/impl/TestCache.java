package io.offload.cache.impl;

import io.offload.cache.EntryOutcome;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The lookup half of a group cache over tables filled by hand (no network): what the unit tests
 * drive, through the {@code GroupCache} lookups.
 */
final class TestCache extends CacheLookups {

  private final Consumer<GroupTable> onComplete;
  private final int selfHost;

  TestCache() {
    this(t -> { }, io.offload.cache.CacheOptions.DEFAULT_MAX_GROUP_SIZE, -1);
  }

  TestCache(Consumer<GroupTable> onComplete) {
    this(onComplete, io.offload.cache.CacheOptions.DEFAULT_MAX_GROUP_SIZE, -1);
  }

  TestCache(Consumer<GroupTable> onComplete, int maxGroupSize, int selfHost) {
    super(maxGroupSize);
    this.onComplete = onComplete;
    this.selfHost = selfHost;
  }

  @Override
  void completed(GroupTable t) {
    onComplete.accept(t);
  }

  @Override
  int selfHost() {
    return selfHost;
  }

  @Override
  public Future<Void> whenComplete(int groupId) {
    return tables.whenComplete(groupId);
  }

  @Override
  public Future<Void> join(RankInfo member, long sequence) {
    throw new UnsupportedOperationException("no network here");
  }

  @Override
  public Future<Void> revoke(int groupId) {
    throw new UnsupportedOperationException("no network here");
  }

  @Override
  public Future<Integer> fetchServiceProcessOf(int groupId, int rank) {
    throw new UnsupportedOperationException("no network here");
  }

  @Override
  public Future<EntryOutcome> add(RankInfo entry, long sequence, int serviceProcessId) {
    return Future.succeededFuture(tables.put(entry.groupId(), sequence, entry.groupSize(), entry.rank(),
        entry.localRank(), entry.localSize(), entry.hostId(), serviceProcessId));
  }

  @Override
  public Future<Void> send(int groupId, io.offload.context.ExecutionContext context, int peerId) {
    throw new UnsupportedOperationException("no network here");
  }

  @Override
  public Future<org.openucx.jucx.ucp.UcpEndpoint> rankEndpoint(int groupId, int rank) {
    throw new UnsupportedOperationException("no network here");
  }

  @Override
  public Future<io.offload.cache.Handle> connectHandle(int serviceProcessId) {
    throw new UnsupportedOperationException("no network here");
  }

  @Override
  public java.util.List<io.offload.cache.ServiceProcessAddress> directory() {
    return java.util.List.of();
  }

  @Override
  public String revokedAddress() {
    return "offload.test.cache.revoked";
  }

  @Override
  public java.util.Optional<io.offload.memory.PeerRegion> findRankRegion(int groupId, int rank, int regionId) {
    return java.util.Optional.empty();
  }

  @Override
  public Future<ByteBuffer> exposeMemory(int bytes) {
    throw new UnsupportedOperationException("no network here");
  }
}
