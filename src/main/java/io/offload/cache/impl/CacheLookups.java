package io.offload.cache.impl;

import io.offload.cache.CacheDigest;
import io.offload.cache.CacheMissException;
import io.offload.cache.GroupCache;
import io.offload.cache.Handle;
import io.offload.cache.IntView;
import io.offload.cache.RemoteRegion;
import io.offload.topology.RankInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lookup half of {@link GroupCache}, answered from {@link CacheTables} and {@link Handles}
 * (lock-free; allocation-free except where {@link GroupCache} says so); {@link CacheService}
 * adds the networked half.
 *
 * <p>Thread safety: any thread.
 */
abstract class CacheLookups implements GroupCache {

  protected final CacheTables tables;
  protected final Handles handles = new Handles();

  /** @param maxGroupSize larger groups are refused (see {@link CacheTables}) */
  CacheLookups(int maxGroupSize) {
    this.tables = new CacheTables(this::completed, maxGroupSize);
  }

  /** A group became whole (called by the thread that completed it). */
  abstract void completed(GroupTable t);

  /** Host id of this process, or -1 while unknown. */
  abstract int selfHost();

  /** The table of a group; throws {@link CacheMissException} if it is not here. */
  final GroupTable group(int groupId) {
    GroupTable t = tables.table(groupId);
    if (t == null) {
      throw new CacheMissException("group " + groupId + " is not in the cache");
    }
    return t;
  }

  /** The index of a whole group; throws {@link CacheMissException} while it is not whole. */
  final GroupIndex index(int groupId) {
    GroupTable t = group(groupId);
    GroupIndex i = t.index;
    if (i == null) {
      throw new CacheMissException("group " + groupId + " is not complete here yet (" + t.known + " of " + t.size
          + " known)");
    }
    return i;
  }

  /** The data, for tests and metrics. */
  public CacheTables tables() {
    return tables;
  }

  public Handles handles() {
    return handles;
  }

  // ---------------------------------------------------------------- by rank

  @Override
  public int serviceProcessOf(int groupId, int rank) {
    GroupTable t = group(groupId);
    checkRank(t, rank);
    int sp = t.spAcquire(rank);
    if (sp < 0) {
      throw new CacheMissException("rank " + rank + " of group " + groupId + " is not in the cache yet ("
          + t.known + " of " + t.size + " known)");
    }
    return sp;
  }

  @Override
  public int serviceProcessOf(int groupId, int rank, int index) {
    GroupTable t = group(groupId);
    checkRank(t, rank);
    if (index < 0 || index >= t.width) {
      throw new CacheMissException("group " + groupId + " has " + t.width + " service process(es) per rank, no index "
          + index);
    }
    int sp = t.sp(rank, index);
    if (sp < 0) {
      throw new CacheMissException("service process " + index + " of rank " + rank + " of group " + groupId
          + " is not in the cache yet");
    }
    return sp;
  }

  @Override
  public int serviceProcessesPerRank(int groupId) {
    return group(groupId).width;
  }

  @Override
  public boolean contains(int groupId, int rank) {
    GroupTable t = tables.table(groupId);
    return t != null && rank >= 0 && rank < t.size && t.spAcquire(rank) >= 0;
  }

  @Override
  public int hostOf(int groupId, int rank) {
    GroupTable t = group(groupId);
    checkRank(t, rank);
    int h = t.host(rank);
    if (h < 0) {
      serviceProcessOf(groupId, rank); // throws the miss
    }
    return h;
  }

  @Override
  public Optional<RankInfo> rankInfo(int groupId, int rank) {
    GroupTable t = tables.table(groupId);
    return t == null || rank < 0 || rank >= t.size ? Optional.empty() : Optional.ofNullable(t.rankInfo(rank));
  }

  @Override
  public boolean onSameHost(int groupId, int rankA, int rankB) {
    return hostOf(groupId, rankA) == hostOf(groupId, rankB);
  }

  @Override
  public boolean onSameServiceProcess(int groupId, int rankA, int rankB) {
    return serviceProcessOf(groupId, rankA) == serviceProcessOf(groupId, rankB);
  }

  private static void checkRank(GroupTable t, int rank) {
    if (rank < 0 || rank >= t.size) {
      throw new CacheMissException("rank " + rank + " is outside group " + t.groupId + " of size " + t.size);
    }
  }

  // ---------------------------------------------------------------- handles

  @Override
  public Handle handle(int serviceProcessId) {
    HandleImpl h = handles.peek(serviceProcessId);
    if (h == null) {
      throw missingHandle(serviceProcessId);
    }
    return h;
  }

  /** {@link #handle} found none: what it throws (the networked cache starts the link first, see {@link Reach#missing}). */
  CacheMissException missingHandle(int serviceProcessId) {
    return Handles.noHandle(serviceProcessId);
  }

  @Override
  public Optional<Handle> findHandle(int serviceProcessId) {
    return handles.find(serviceProcessId);
  }

  @Override
  public Optional<RemoteRegion> region(int serviceProcessId) {
    return handles.region(serviceProcessId);
  }

  // ---------------------------------------------------------------- whole groups

  @Override
  public IntView ranksServedBy(int groupId, int serviceProcessId) {
    return index(groupId).ranksServedBy(serviceProcessId);
  }

  @Override
  public IntView serviceProcesses(int groupId) {
    return index(groupId).serviceProcesses;
  }

  @Override
  public IntView hosts(int groupId) {
    return index(groupId).hosts;
  }

  @Override
  public IntView ranksOnHost(int groupId, int hostId) {
    return index(groupId).ranksOnHost(hostId);
  }

  @Override
  public int hostIndex(int groupId, int hostId) {
    return index(groupId).hostIndex(hostId);
  }

  @Override
  public IntView ranksOnHostIndex(int groupId, int hostIndex) {
    return index(groupId).ranksOnHostIndex(hostIndex);
  }

  @Override
  public int rankIndexOnHost(int groupId, int hostIndex, int rank) {
    return ranksOnHostIndex(groupId, hostIndex).indexOf(rank);
  }

  @Override
  public IntView serviceProcessesOnHostIndex(int groupId, int hostIndex) {
    return index(groupId).serviceProcessesOnHostIndex(hostIndex);
  }

  @Override
  public IntView localServiceProcesses(int groupId) {
    GroupIndex i = index(groupId);
    int host = selfHost();
    return host < 0 ? IntView.EMPTY : i.serviceProcessesOnHost(host);
  }

  @Override
  public int serviceProcessGroupIndex(int groupId, int serviceProcessId) {
    return index(groupId).serviceProcessIndex(serviceProcessId);
  }

  @Override
  public int serviceProcessLocalIndex(int groupId, int serviceProcessId) {
    return index(groupId).serviceProcessLocalIndex(serviceProcessId);
  }

  // ---------------------------------------------------------------- groups

  @Override
  public int groupSize(int groupId) {
    return group(groupId).size;
  }

  @Override
  public int knownMembers(int groupId) {
    GroupTable t = tables.table(groupId);
    return t == null ? 0 : t.known;
  }

  @Override
  public boolean isComplete(int groupId) {
    GroupTable t = tables.table(groupId);
    return t != null && t.index != null;
  }

  @Override
  public long sequence(int groupId) {
    return group(groupId).seq;
  }

  @Override
  public List<RankInfo> members(int groupId) {
    GroupTable t = group(groupId);
    List<RankInfo> out = new ArrayList<>(Math.min(t.size, t.known));
    for (int r = t.nextKnown(0); r >= 0; r = t.nextKnown(r + 1)) {
      RankInfo ri = t.rankInfo(r);
      if (ri != null) {
        out.add(ri);
      }
    }
    return out;
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
    GroupTable t = group(groupId);
    CacheDigest d = new CacheDigest(groupId, t.size);
    for (int r = t.nextKnown(0); r >= 0; r = t.nextKnown(r + 1)) {
      RankInfo ri = t.rankInfo(r);
      if (ri != null) {
        d.add(r, ri.localRank(), ri.localSize(), ri.hostId(), t.spAcquire(r));
        for (int i = 1; i < t.width; i++) {
          d.shadow(t.sp(r, i));
        }
      }
    }
    return d.digest();
  }
}
