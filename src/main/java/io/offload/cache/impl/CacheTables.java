package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.EntryOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The data of a group cache, without any networking: groups by id ({@link GroupTable}, entries
 * by rank), sequence numbers and revocations. Lookups are {@link CacheLookups}'; handles and
 * regions are {@link Handles}'.
 *
 * <p>Sequence rules: an entry of a higher sequence number than the group's replaces the group
 * (its entries are dropped); an entry of a lower one, or of a number at or below a revocation of
 * that group, is stale and ignored. So a revoked and re-added group never mixes entries.
 *
 * <p>Thread safety: changes are serialized by this object's lock; lookups take no lock and
 * allocate nothing (except where their Javadoc says so), reading volatile snapshots.
 */
public final class CacheTables {

  private final Consumer<GroupTable> onComplete;
  private final int maxGroupSize;
  private volatile IntMap<GroupTable> groups = IntMap.empty();
  private volatile int entryCount;
  private final Sequences sequences = new Sequences();
  private final Map<Integer, Promise<Void>> waiting = new HashMap<>();

  /** Most service processes per rank (primary and shadows), as in the C original. */
  static final int MAX_WIDTH = 8;

  /**
   * @param onComplete   called (after the lock is released) each time a group becomes whole
   * @param maxGroupSize entries of larger groups are refused ({@link EntryOutcome#TOO_LARGE})
   */
  public CacheTables(Consumer<GroupTable> onComplete, int maxGroupSize) {
    if (maxGroupSize < 1) {
      throw new IllegalArgumentException("maxGroupSize must be >= 1, got " + maxGroupSize);
    }
    this.onComplete = onComplete;
    this.maxGroupSize = maxGroupSize;
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
  public synchronized void persistent(boolean on) {
    sequences.persistent(on);
  }

  /** Whether sequence {@code seq} of the group was revoked here. */
  public synchronized boolean isRevoked(int groupId, long seq) {
    return sequences.isRevoked(groupId, seq);
  }

  // ------------------------------------------------------------------ changes

  /**
   * Adds or updates the entry of {@code rank} of group {@code groupId} at sequence {@code seq}.
   * When the group becomes whole, its waiters and the completion callback run after the lock is
   * released, on this thread.
   */
  public EntryOutcome put(int groupId, long seq, int size, int rank, int localRank, int localSize, int hostId,
      int serviceProcessId) {
    return put(groupId, seq, size, rank, localRank, localSize, hostId, serviceProcessId, 0, 1);
  }

  /**
   * As above, for the service process of index {@code index} among the {@code width} that serve
   * the rank (0: its primary, the entry; others: its shadows). Every rank of a group has the same
   * width (the first entry sets it; another width is a {@link EntryOutcome#CONFLICT}); a group is
   * whole once every rank and all its shadows are known.
   */
  public EntryOutcome put(int groupId, long seq, int size, int rank, int localRank, int localSize, int hostId,
      int serviceProcessId, int index, int width) {
    GroupTable whole;
    Promise<Void> completion;
    synchronized (this) {
      EntryOutcome o = putLocked(groupId, seq, size, rank, localRank, localSize, hostId, serviceProcessId, index,
          width);
      if (o != EntryOutcome.COMPLETED) {
        return o;
      }
      whole = groups.get(groupId);
      completion = whole.completion;
    }
    completion.tryComplete();
    onComplete.accept(whole);
    return EntryOutcome.COMPLETED;
  }

  private EntryOutcome putLocked(int groupId, long seq, int size, int rank, int localRank, int localSize, int hostId,
      int serviceProcessId, int index, int width) {
    if (groupId < 0 || size < 1 || rank < 0 || rank >= size || serviceProcessId < 0 || hostId < 0 || localRank < 0
        || localSize < 1 || seq < 0 || width < 1 || width > MAX_WIDTH || index < 0 || index >= width) {
      throw new IllegalArgumentException("invalid cache entry: group " + groupId + " seq " + seq + " size " + size
          + " rank " + rank + " local " + localRank + "/" + localSize + " host " + hostId + " sp " + serviceProcessId
          + " (" + index + " of " + width + ")");
    }
    if (size > maxGroupSize) {
      return EntryOutcome.TOO_LARGE;
    }
    if (sequences.isRevoked(groupId, seq)) {
      return EntryOutcome.STALE;
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
      t = new GroupTable(groupId, seq, size, width, completion);
      int restored = sequences.restore(t); // persistent mode
      t.known += restored;
      entryCount += restored;
      groups = groups.with(groupId, t);
    } else if (seq < t.seq) {
      return EntryOutcome.STALE;
    }
    if (size != t.size || width != t.width) {
      return EntryOutcome.CONFLICT;
    }
    if (index > 0) {
      return t.putShadow(rank, serviceProcessId, index);
    }
    boolean known = t.spAcquire(rank) >= 0;
    EntryOutcome o = t.putPrimary(rank, hostId, localRank, localSize, serviceProcessId);
    entryCount += known ? 0 : 1;
    return o;
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

  /**
   * As {@link #remove(int, long, int)}, only what {@code servedBy} (-1: any) serves of the rank:
   * its entry if it is the primary, its place among the rank's shadows if it is one.
   */
  public synchronized boolean remove(int groupId, long seq, int rank, int servedBy) {
    GroupTable t = groups.get(groupId);
    if (t == null || t.seq != seq || rank < 0 || rank >= t.size) {
      return false;
    }
    boolean removed = t.clearShadows(rank, servedBy);
    int sp = t.spAcquire(rank);
    if (sp >= 0 && (servedBy < 0 || sp == servedBy)) {
      t.clear(rank);
      t.known--;
      entryCount--;
      removed = true;
    }
    if (!removed) {
      return false;
    }
    if (t.index != null) {
      t.index = null;
      t.completion = Promise.promise();
    }
    if (t.known == 0 && (t.shadows == null || t.shadows.known == 0)) {
      groups = groups.without(groupId);
      waiting.put(groupId, t.completion);
    }
    return true;
  }

  /**
   * Removes every entry of the group (at {@code seq}) served by {@code serviceProcessId}, as
   * primary or shadow (it is gone). Returns how many ranks lost something.
   */
  public synchronized int removeServedBy(int groupId, long seq, int serviceProcessId) {
    GroupTable t = groups.get(groupId);
    if (t == null || t.seq != seq) {
      return 0;
    }
    int n = 0;
    for (int r : t.ranksWithAnyEntry()) {
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
      t = groups.get(groupId);
      boolean drops = t != null && t.seq <= seq;
      sequences.revoked(groupId, seq, drops ? t : null);
      if (!drops) {
        return false;
      }
      groups = groups.without(groupId);
      entryCount -= t.known;
    }
    t.completion.tryFail(new CacheMissException("group " + groupId + " (sequence " + t.seq + ") was revoked"));
    return true;
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
    failPending(-1, reason);
  }

  /**
   * Fails the waiters of one group's completion with {@code reason} (conflicting claims); later
   * calls wait afresh, so the group completes for them if the conflict goes.
   */
  public void failPending(int groupId, String reason) {
    List<Promise<Void>> failed = new ArrayList<>();
    synchronized (this) {
      for (int g : groupId < 0 ? groups.keys() : new int[] {groupId}) {
        GroupTable t = groups.get(g);
        if (t != null && t.index == null) {
          failed.add(t.completion);
          t.completion = Promise.promise();
        }
      }
      if (groupId < 0) {
        failed.addAll(waiting.values());
        waiting.clear();
      } else if (waiting.containsKey(groupId)) {
        failed.add(waiting.remove(groupId));
      }
    }
    CacheMissException e = new CacheMissException(reason);
    failed.forEach(p -> p.tryFail(e));
  }

  // ------------------------------------------------------------------ reads (lock-free)

  /** The table of a group, or null. */
  public GroupTable table(int groupId) {
    return groups.get(groupId);
  }

  /** Ids of the groups present, ascending (allocates). */
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
      sum += sequences.keptBytes();
    }
    return sum;
  }
}
