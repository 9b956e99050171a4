package io.offload.cache.impl;

import io.offload.cache.GroupCache;
import io.offload.cache.Handle;
import io.offload.cache.IntView;
import io.offload.cache.RemoteRegion;
import io.offload.context.RankInfo;

import java.util.List;
import java.util.Optional;

/**
 * The lookup half of {@link GroupCache}, answered from {@link CacheTables} (lock-free,
 * allocation-free); {@link CacheService} adds the networked half.
 *
 * <p>Thread safety: any thread.
 */
abstract class CacheLookups implements GroupCache {

  protected final CacheTables tables;

  /** @param maxGroupSize larger groups are refused (see {@link CacheTables}) */
  CacheLookups(int maxGroupSize) {
    this.tables = new CacheTables(this::completed, maxGroupSize);
  }

  /** A group became whole (called by the thread that completed it). */
  abstract void completed(GroupTable t);

  /** The data, for tests and metrics. */
  public CacheTables tables() {
    return tables;
  }


  @Override
  public int serviceProcessOf(int groupId, int rank) {
    return tables.serviceProcessOf(groupId, rank);
  }

  @Override
  public boolean contains(int groupId, int rank) {
    return tables.contains(groupId, rank);
  }

  @Override
  public int hostOf(int groupId, int rank) {
    return tables.hostOf(groupId, rank);
  }

  @Override
  public Optional<RankInfo> rankInfo(int groupId, int rank) {
    return tables.rankInfo(groupId, rank);
  }

  @Override
  public boolean onSameHost(int groupId, int rankA, int rankB) {
    return tables.onSameHost(groupId, rankA, rankB);
  }

  @Override
  public boolean onSameServiceProcess(int groupId, int rankA, int rankB) {
    return tables.onSameServiceProcess(groupId, rankA, rankB);
  }

  @Override
  public Handle handle(int serviceProcessId) {
    return tables.handle(serviceProcessId);
  }

  @Override
  public Optional<Handle> findHandle(int serviceProcessId) {
    return tables.findHandle(serviceProcessId);
  }

  @Override
  public Optional<RemoteRegion> region(int serviceProcessId) {
    return tables.region(serviceProcessId);
  }

  @Override
  public IntView ranksServedBy(int groupId, int serviceProcessId) {
    return tables.ranksServedBy(groupId, serviceProcessId);
  }

  @Override
  public IntView serviceProcesses(int groupId) {
    return tables.serviceProcesses(groupId);
  }

  @Override
  public IntView hosts(int groupId) {
    return tables.hosts(groupId);
  }

  @Override
  public IntView ranksOnHost(int groupId, int hostId) {
    return tables.index(groupId).ranksOnHost(hostId);
  }

  @Override
  public int hostIndex(int groupId, int hostId) {
    return tables.index(groupId).hostIndex(hostId);
  }

  @Override
  public IntView ranksOnHostIndex(int groupId, int hostIndex) {
    return tables.index(groupId).ranksOnHostIndex(hostIndex);
  }

  @Override
  public int rankIndexOnHost(int groupId, int hostIndex, int rank) {
    return ranksOnHostIndex(groupId, hostIndex).indexOf(rank);
  }

  @Override
  public IntView serviceProcessesOnHostIndex(int groupId, int hostIndex) {
    return tables.index(groupId).serviceProcessesOnHostIndex(hostIndex);
  }

  @Override
  public IntView localServiceProcesses(int groupId) {
    GroupIndex i = tables.index(groupId);
    int host = selfHost();
    return host < 0 ? IntView.EMPTY : i.serviceProcessesOnHost(host);
  }

  @Override
  public int serviceProcessGroupIndex(int groupId, int serviceProcessId) {
    return tables.index(groupId).serviceProcessIndex(serviceProcessId);
  }

  @Override
  public int serviceProcessLocalIndex(int groupId, int serviceProcessId) {
    return tables.index(groupId).serviceProcessLocalIndex(serviceProcessId);
  }

  /** Host id of this process, or -1 while unknown. */
  abstract int selfHost();

  @Override
  public int groupSize(int groupId) {
    return tables.groupSize(groupId);
  }

  @Override
  public int knownMembers(int groupId) {
    return tables.knownMembers(groupId);
  }

  @Override
  public boolean isComplete(int groupId) {
    return tables.isComplete(groupId);
  }

  @Override
  public long sequence(int groupId) {
    return tables.sequence(groupId);
  }

  @Override
  public List<RankInfo> members(int groupId) {
    return tables.members(groupId);
  }

  @Override
  public int[] groups() {
    return tables.groups();
  }

  @Override
  public int entryCount() {
    return tables.entryCount();
  }

  @Override
  public String digest(int groupId) {
    return tables.digest(groupId);
  }
}
