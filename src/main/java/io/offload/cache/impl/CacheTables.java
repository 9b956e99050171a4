package io.offload.cache.impl;

import io.offload.cache.CacheDigest;
import io.offload.cache.CacheMissException;
import io.offload.cache.Handle;
import io.offload.cache.IntView;
import io.offload.cache.RemoteRegion;
import io.offload.context.RankInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The data of a group cache, without any networking: groups by id ({@link GroupTable}, arrays
 * indexed by rank), handles and regions by service-process id, sequence numbers and revocations.
 *
 * <p>Sequence rules: an entry of a higher sequence number than the group's replaces the group
 * (its entries are dropped); an entry of a lower one, or of a number at or below a revocation of
 * that group, is stale and ignored. So a revoked and re-added group never mixes entries.
 *
 * <p>Thread safety: changes are serialized by this object's lock; lookups take no lock and
 * allocate nothing (except where their Javadoc says so), reading volatile snapshots.
 */
public final class CacheTables {

  /** What a {@link #put} did. */
  public enum Outcome {
    /** A new entry. */
    ADDED,
    /** An existing entry got new values. */
    CHANGED,
    /** The same entry again. */
    UNCHANGED,
    /** The entry belongs to an older (or revoked) sequence number: ignored. */
    STALE,
    /** The entry disagrees with the group (its size): ignored. */
    CONFLICT,
    /** The entry's group is larger than the configured maximum group size: ignored. */
    TOO_LARGE,
    /** A new entry that made the group whole. */
    COMPLETED
  }

  private final Consumer<GroupTable> onComplete;
  private final int maxGroupSize;
  private volatile IntMap<GroupTable> groups = IntMap.empty();
  private volatile Handle[] handles = new Handle[0];
  private volatile RemoteRegion[] regions = new RemoteRegion[0];
  private volatile int entryCount;
  private final Map<Integer, Long> revokedUpTo = new HashMap<>();
  private final Map<Integer, GroupTable> dormant = new HashMap<>(); // persistent mode: revoked groups' entries
  private volatile boolean persistent;
  private final Map<Integer, Promise<Void>> waiting = new HashMap<>();

  /**
   * @param onComplete   called (after the lock is released) each time a group becomes whole
   * @param maxGroupSize entries of larger groups are refused ({@link Outcome#TOO_LARGE})
   */
  public CacheTables(Consumer<GroupTable> onComplete, int maxGroupSize) {
    if (maxGroupSize < 1) {
      throw new IllegalArgumentException("maxGroupSize must be >= 1, got " + maxGroupSize);
    }
    this.onComplete = onComplete;
    this.maxGroupSize = maxGroupSize;
  }

  public CacheTables(Consumer<GroupTable> onComplete) {
    this(onComplete, io.offload.engine.EngineOptions.DEFAULT_MAX_GROUP_SIZE);
  }

  public CacheTables() {
    this(t -> { });
  }

  public int maxGroupSize() {
    return maxGroupSize;
  }

  /**
   * Persistent mode: a revoked group's entries are kept (not looked up: the group is gone), and
   * when the group is added again at a newer sequence with the same size they come back, so a
   * re-created communicator with the same members is whole at once; an entry that differs
   * replaces the kept one.
   */
  public void persistent(boolean on) {
    persistent = on;
  }

  /** Whether sequence {@code seq} of the group was revoked here. */
  public synchronized boolean isRevoked(int groupId, long seq) {
    Long revoked = revokedUpTo.get(groupId);
    return revoked != null && seq <= revoked;
  }

  /**
   * Why a rank claiming {@code rank} may not join here now, or null: its group is larger than
   * the maximum, or the group is known here with another size (an entry of the current
   * sequence pins the size until the group has no entries left). Lock-free.
   */
  public String refusal(RankInfo rank) {
    if (rank.groupSize() > maxGroupSize) {
      return "group " + rank.groupId() + " of size " + rank.groupSize() + " exceeds the maximum group size "
          + maxGroupSize + " of this service process (EngineOptions.maxGroupSize)";
    }
    GroupTable t = groups.get(rank.groupId());
    if (t != null && t.size != rank.groupSize()) {
      return "group " + rank.groupId() + " has size " + t.size + " here (" + t.known + " entries, sequence " + t.seq
          + "), this rank claims size " + rank.groupSize() + ": conflicting claim, refused";
    }
    return null;
  }

  // ------------------------------------------------------------------ changes

  /**
   * Adds or updates the entry of {@code rank} of group {@code groupId} at sequence {@code seq}.
   * When the group becomes whole, its waiters and the completion callback run after the lock is
   * released, on this thread.
   */
  public Outcome put(int groupId, long seq, int size, int rank, int localRank, int localSize, int hostId,
      int serviceProcessId) {
    GroupTable whole;
    Promise<Void> completion;
    synchronized (this) {
      Outcome o = putLocked(groupId, seq, size, rank, localRank, localSize, hostId, serviceProcessId);
      if (o != Outcome.COMPLETED) {
        return o;
      }
      whole = groups.get(groupId);
      completion = whole.completion;
    }
    completion.tryComplete();
    onComplete.accept(whole);
    return Outcome.COMPLETED;
  }

  private Outcome putLocked(int groupId, long seq, int size, int rank, int localRank, int localSize, int hostId,
      int serviceProcessId) {
    if (groupId < 0 || size < 1 || rank < 0 || rank >= size || serviceProcessId < 0 || hostId < 0 || localRank < 0
        || localSize < 1 || seq < 0) {
      throw new IllegalArgumentException("invalid cache entry: group " + groupId + " seq " + seq + " size " + size
          + " rank " + rank + " local " + localRank + "/" + localSize + " host " + hostId + " sp " + serviceProcessId);
    }
    if (size > maxGroupSize) {
      return Outcome.TOO_LARGE;
    }
    Long revoked = revokedUpTo.get(groupId);
    if (revoked != null && seq <= revoked) {
      return Outcome.STALE;
    }
    GroupTable t = groups.get(groupId);
    if (t == null || seq > t.seq) {
      Promise<Void> completion;
      if (t != null) {
        entryCount -= t.known;
        completion = t.index == null ? t.completion : Promise.promise();
      } else {
        completion = waiting.remove(groupId);
        if (completion == null) {
          completion = Promise.promise();
        }
      }
      t = new GroupTable(groupId, seq, size, completion);
      GroupTable kept = dormant.remove(groupId);
      if (kept != null && kept.size == size) {
        for (int r : kept.knownRanks()) {
          t.write(r, kept.host(r), kept.localRank(r), kept.localSize(r), kept.spAcquire(r));
          t.known++;
          entryCount++;
        }
      }
      groups = groups.with(groupId, t);
    } else if (seq < t.seq) {
      return Outcome.STALE;
    }
    if (size != t.size) {
      return Outcome.CONFLICT;
    }
    boolean known = t.spAcquire(rank) >= 0;
    if (known && t.same(rank, hostId, localRank, localSize, serviceProcessId)) {
      return completesNow(t) ? Outcome.COMPLETED : Outcome.UNCHANGED; // (kept entries in persistent mode)
    }
    t.write(rank, hostId, localRank, localSize, serviceProcessId);
    if (known) {
      if (t.index != null) {
        t.index = new GroupIndex(t);
      }
      return completesNow(t) ? Outcome.COMPLETED : Outcome.CHANGED;
    }
    t.known++;
    entryCount++;
    if (t.known < t.size) {
      return Outcome.ADDED;
    }
    t.index = new GroupIndex(t);
    return Outcome.COMPLETED;
  }

  /** A group whole with kept entries but not indexed yet gets its index now. */
  private static boolean completesNow(GroupTable t) {
    if (t.index != null || t.known < t.size) {
      return false;
    }
    t.index = new GroupIndex(t);
    return true;
  }

  /**
   * Removes the entry of {@code rank} (its process left) if the group is at {@code seq}; the
   * group is whole no more. A group left without entries is freed (its size pins nothing any
   * more; a {@link #whenComplete} waiter keeps waiting for the group to come back). Returns
   * whether an entry was removed.
   */
  public boolean remove(int groupId, long seq, int rank) {
    return remove(groupId, seq, rank, -1);
  }

  /** As {@link #remove(int, long, int)}, only if the entry is served by {@code servedBy} (-1: any). */
  public synchronized boolean remove(int groupId, long seq, int rank, int servedBy) {
    GroupTable t = groups.get(groupId);
    if (t == null || t.seq != seq || rank < 0 || rank >= t.size) {
      return false;
    }
    int sp = t.spAcquire(rank);
    if (sp < 0 || (servedBy >= 0 && sp != servedBy)) {
      return false;
    }
    t.clear(rank);
    t.known--;
    entryCount--;
    if (t.index != null) {
      t.index = null;
      t.completion = Promise.promise();
    }
    if (t.known == 0) {
      groups = groups.without(groupId);
      waiting.put(groupId, t.completion);
    }
    return true;
  }

  /**
   * Removes every entry of the group (at {@code seq}) served by {@code serviceProcessId} (it is
   * gone). Returns how many were removed.
   */
  public synchronized int removeServedBy(int groupId, long seq, int serviceProcessId) {
    GroupTable t = groups.get(groupId);
    if (t == null || t.seq != seq) {
      return 0;
    }
    int n = 0;
    for (int r : t.knownRanks()) {
      if (remove(groupId, seq, r, serviceProcessId)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Revokes the group up to sequence {@code seq}: drops it if it is at or below, and makes every
   * later entry at or below {@code seq} stale. Returns whether a group was dropped.
   */
  public boolean revoke(int groupId, long seq) {
    GroupTable t;
    synchronized (this) {
      revokedUpTo.merge(groupId, seq, Math::max);
      t = groups.get(groupId);
      if (t == null || t.seq > seq) {
        return false;
      }
      groups = groups.without(groupId);
      entryCount -= t.known;
      if (persistent) {
        dormant.put(groupId, t);
      }
    }
    t.completion.tryFail(new CacheMissException("group " + groupId + " (sequence " + t.seq + ") was revoked"));
    return true;
  }

  /** Sets the handle of a service process (keeping a region already published). */
  public synchronized void putHandle(Handle handle) {
    int id = handle.serviceProcessId();
    RemoteRegion r = id < regions.length ? regions[id] : null;
    Handle[] copy = Arrays.copyOf(handles, Math.max(handles.length, id + 1));
    copy[id] = r == null ? handle : handle.withRegion(r);
    handles = copy;
  }

  /** Forgets the handle of a service process, if it is still {@code expected}'s link. */
  public synchronized void removeHandle(int serviceProcessId, Object peer) {
    Handle[] h = handles;
    if (serviceProcessId >= 0 && serviceProcessId < h.length && h[serviceProcessId] != null
        && h[serviceProcessId].peer() == peer) {
      Handle[] copy = h.clone();
      copy[serviceProcessId] = null;
      handles = copy;
    }
  }

  /** Publishes a region (and attaches it to the handle of its service process). */
  public synchronized void putRegion(RemoteRegion region) {
    int id = region.serviceProcessId();
    RemoteRegion[] copy = Arrays.copyOf(regions, Math.max(regions.length, id + 1));
    copy[id] = region;
    regions = copy;
    Handle[] h = handles;
    if (id < h.length && h[id] != null) {
      Handle[] hc = h.clone();
      hc[id] = h[id].withRegion(region);
      handles = hc;
    }
  }

  /** Completes when the group is whole here; see {@code GroupCache.whenComplete}. No caller context. */
  public synchronized Future<Void> whenComplete(int groupId) {
    GroupTable t = groups.get(groupId);
    if (t != null) {
      return t.index != null ? Future.succeededFuture() : t.completion.future();
    }
    return waiting.computeIfAbsent(groupId, g -> Promise.promise()).future();
  }

  /**
   * Fails every pending {@link #whenComplete} with {@code reason}; later calls wait afresh (this
   * process lost the link through which its groups fill).
   */
  public void failPending(String reason) {
    List<Promise<Void>> failed = new ArrayList<>();
    synchronized (this) {
      failed.addAll(waiting.values());
      waiting.clear();
      for (int g : groups.keys()) {
        GroupTable t = groups.get(g);
        if (t.index == null) {
          failed.add(t.completion);
          t.completion = Promise.promise();
        }
      }
    }
    CacheMissException e = new CacheMissException(reason);
    failed.forEach(p -> p.tryFail(e));
  }

  /** Fails every pending {@link #whenComplete} (the cache is closing). */
  public synchronized void failWaiters(String reason) {
    CacheMissException e = new CacheMissException(reason);
    waiting.values().forEach(p -> p.tryFail(e));
    waiting.clear();
    for (int g : groups.keys()) {
      groups.get(g).completion.tryFail(e);
    }
  }

  // ------------------------------------------------------------------ lookups

  /** The table of a group, or null. */
  public GroupTable table(int groupId) {
    return groups.get(groupId);
  }

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

  public boolean contains(int groupId, int rank) {
    GroupTable t = groups.get(groupId);
    return t != null && rank >= 0 && rank < t.size && t.spAcquire(rank) >= 0;
  }

  public int hostOf(int groupId, int rank) {
    GroupTable t = group(groupId);
    checkRank(t, rank);
    int h = t.host(rank);
    if (h < 0) {
      serviceProcessOf(groupId, rank); // throws the miss
    }
    return h;
  }

  public Optional<RankInfo> rankInfo(int groupId, int rank) {
    GroupTable t = groups.get(groupId);
    if (t == null || rank < 0 || rank >= t.size) {
      return Optional.empty();
    }
    return Optional.ofNullable(t.rankInfo(rank));
  }

  public boolean onSameHost(int groupId, int a, int b) {
    return hostOf(groupId, a) == hostOf(groupId, b);
  }

  public boolean onSameServiceProcess(int groupId, int a, int b) {
    return serviceProcessOf(groupId, a) == serviceProcessOf(groupId, b);
  }

  public Handle handle(int serviceProcessId) {
    Handle[] h = handles;
    if (serviceProcessId < 0 || serviceProcessId >= h.length || h[serviceProcessId] == null) {
      throw new CacheMissException("no handle for service process " + serviceProcessId
          + " (this process is not linked to it, or not yet)");
    }
    return h[serviceProcessId];
  }

  public Optional<Handle> findHandle(int serviceProcessId) {
    Handle[] h = handles;
    return serviceProcessId < 0 || serviceProcessId >= h.length ? Optional.empty()
        : Optional.ofNullable(h[serviceProcessId]);
  }

  public Optional<RemoteRegion> region(int serviceProcessId) {
    RemoteRegion[] r = regions;
    return serviceProcessId < 0 || serviceProcessId >= r.length ? Optional.empty()
        : Optional.ofNullable(r[serviceProcessId]);
  }

  public IntView ranksServedBy(int groupId, int serviceProcessId) {
    return index(groupId).ranksServedBy(serviceProcessId);
  }

  public IntView serviceProcesses(int groupId) {
    return index(groupId).serviceProcesses;
  }

  public IntView hosts(int groupId) {
    return index(groupId).hosts;
  }

  public int groupSize(int groupId) {
    return group(groupId).size;
  }

  public int knownMembers(int groupId) {
    GroupTable t = groups.get(groupId);
    return t == null ? 0 : t.known;
  }

  public boolean isComplete(int groupId) {
    GroupTable t = groups.get(groupId);
    return t != null && t.index != null;
  }

  public long sequence(int groupId) {
    return group(groupId).seq;
  }

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

  public int[] groups() {
    return groups.keys();
  }

  public int entryCount() {
    return entryCount;
  }

  /** Bytes held by the group tables: objects, directories, pages and indexes (headers counted). */
  public long bytes() {
    long sum = 0;
    IntMap<GroupTable> g = groups;
    for (int id : g.keys()) {
      sum += g.get(id).bytes();
    }
    synchronized (this) {
      for (GroupTable t : dormant.values()) {
        sum += t.bytes();
      }
    }
    return sum;
  }

  public String digest(int groupId) {
    GroupTable t = group(groupId);
    CacheDigest d = new CacheDigest(groupId, t.size);
    for (int r = t.nextKnown(0); r >= 0; r = t.nextKnown(r + 1)) {
      RankInfo ri = t.rankInfo(r);
      if (ri != null) {
        d.add(r, ri.localRank(), ri.localSize(), ri.hostId(), t.spAcquire(r));
      }
    }
    return d.digest();
  }

  private GroupTable group(int groupId) {
    GroupTable t = groups.get(groupId);
    if (t == null) {
      throw new CacheMissException("group " + groupId + " is not in the cache");
    }
    return t;
  }

  private static void checkRank(GroupTable t, int rank) {
    if (rank < 0 || rank >= t.size) {
      throw new CacheMissException("rank " + rank + " is outside group " + t.groupId + " of size " + t.size);
    }
  }

  /** The index of a whole group; throws {@link CacheMissException} while it is not whole. */
  GroupIndex index(int groupId) {
    GroupTable t = group(groupId);
    GroupIndex i = t.index;
    if (i == null) {
      throw new CacheMissException("group " + groupId + " is not complete here yet (" + t.known + " of " + t.size
          + " known)");
    }
    return i;
  }
}
