package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.context.impl.PeerImpl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.offload.topology.RankInfo;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collective revocation, as the C original does it: a group is revoked once <em>every</em>
 * member has revoked it.
 * <ol>
 *   <li>A rank's {@code revoke(g)} sends a VOTE (group, sequence, its rank) to its service
 *       process and waits.</li>
 *   <li>A service process tallies the votes of its local members; once every rank it serves in
 *       the group voted, it sends the list (COUNTS, with the sequence number) to every other
 *       service process, which adds them to its tally.</li>
 *   <li>A service process whose tally reaches the group size drops the group (a revocation up to
 *       that sequence: later messages of it are stale), sends DONE to its local members, and
 *       publishes the revoke-done event; a rank does the same on DONE.</li>
 * </ol>
 * Entries and joins of a newer sequence that arrive while a revocation is under way are queued
 * and replayed once it is done, not dropped. A member lost during a revocation counts as having
 * revoked. The world group is never revoked.
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class Revocations {

  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
  static final int MAX_QUEUED = 65_536;

  /** What the revocation needs from the rest of the cache. */
  interface Wire {
    int localServiceProcess();

    Iterable<PeerImpl> mesh();

    List<PeerImpl> localMembersOf(int groupId);

    void send(PeerImpl to, Buffer revokeMessage);

    /** The group was revoked here (after the tables dropped it). */
    void revoked(int groupId, long seq);
  }

  /** One group's revocation under way. */
  private static final class Tally {
    final long seq;
    final int size;
    final BitSet voted = new BitSet();
    final BitSet votedHere = new BitSet(); // by this service process's local members
    boolean sent;
    final List<Runnable> queued = new ArrayList<>();

    Tally(long seq, int size) {
      this.seq = seq;
      this.size = size;
    }
  }

  private final CacheTables tables;
  private final Wire wire;
  private final int worldGroup;
  private final Map<Integer, Tally> tallies = new HashMap<>();
  private final Map<Integer, Promise<Void>> own = new HashMap<>(); // on a rank: revokes waiting for DONE

  Revocations(CacheTables tables, Wire wire, int worldGroup) {
    this.tables = tables;
    this.wire = wire;
    this.worldGroup = worldGroup;
  }

  // ---------------------------------------------------------------- on a rank

  /** This rank, {@code rank} of {@code groupId}, revokes it through {@code server}; completes on DONE. */
  Future<Void> revoke(int groupId, int rank, PeerImpl server) {
    if (groupId == worldGroup) {
      throw new IllegalArgumentException("group " + groupId + " is the world group, which is never revoked");
    }
    GroupTable t = tables.table(groupId);
    if (t == null) {
      throw new CacheMissException("group " + groupId + " is not in the cache");
    }
    Promise<Void> p = own.get(groupId);
    if (p == null) {
      p = Promise.promise();
      own.put(groupId, p);
      wire.send(server, CacheMessages.revoke(CacheMessages.VOTE, groupId, t.seq, t.size, rank, -1, new int[0], 0));
    }
    return p.future();
  }

  /**
   * On a rank: joins {@code member}'s group at {@code sequence} through its service process
   * (CACHE_ENTRIES); a re-add during this rank's own revocation of the group waits for it.
   */
  Future<Void> join(RankInfo member, long sequence, Links links) {
    PeerImpl server = links.server;
    if (server == null) {
      throw new IllegalStateException("join needs a bootstrapped link to a service process (a rank's client context)");
    }
    Promise<Void> applied = Promise.promise();
    Runnable apply = () -> {
      int sp = server.serviceProcessId();
      links.myRanks.put(member.groupId(), member.rank());
      tables.put(member.groupId(), sequence, member.groupSize(), member.rank(), member.localRank(),
          member.localSize(), member.hostId(), sp);
      links.send(server, io.offload.notify.EventTypes.CACHE_ENTRIES, CacheMessages.entry(member.groupId(), sequence,
          member.groupSize(), member.rank(), member.localRank(), member.localSize(), member.hostId(), sp));
      applied.complete();
    };
    GroupTable t = tables.table(member.groupId());
    if (revoking(member.groupId()) && (t == null || sequence > t.seq)) {
      afterRevoke(member.groupId(), apply);
    } else {
      apply.run();
    }
    return applied.future();
  }

  /** On a rank: whether {@code groupId} is being revoked by this rank (its joins of a newer sequence wait). */
  boolean revoking(int groupId) {
    return own.containsKey(groupId);
  }

  /** On a rank: runs {@code join} once the revocation of {@code groupId} is done (or at once). */
  void afterRevoke(int groupId, Runnable join) {
    Tally t = tallies.computeIfAbsent(groupId, g -> new Tally(-1, 0));
    t.queued.add(join);
  }

  /** On a rank: DONE from its service process. */
  void onDone(CacheMessages.Revoke r) {
    tables.revoke(r.groupId(), r.seq());
    Promise<Void> p = own.remove(r.groupId());
    wire.revoked(r.groupId(), r.seq());
    Tally waiting = tallies.remove(r.groupId());
    if (p != null) {
      p.tryComplete();
    }
    if (waiting != null) {
      waiting.queued.forEach(Runnable::run);
    }
  }

  /** This rank lost the link its revocations go through. */
  void failAll(String reason) {
    List<Promise<Void>> failed = new ArrayList<>(own.values());
    own.clear();
    failed.forEach(p -> p.tryFail(new CacheMissException(reason)));
  }

  // ---------------------------------------------------------------- on a service process

  /** A local member voted (the caller checked it is that member). */
  void onVote(CacheMessages.Revoke r) {
    Tally t = tally(r);
    if (t == null || t.voted.get(r.rank())) {
      return;
    }
    t.voted.set(r.rank());
    t.votedHere.set(r.rank());
    progress(r.groupId(), t);
  }

  /** Another service process's local votes. */
  void onCounts(CacheMessages.Revoke r) {
    Tally t = tally(r);
    if (t == null) {
      return;
    }
    for (int rank : r.ranks()) {
      if (rank >= 0 && rank < t.size) {
        t.voted.set(rank);
      }
    }
    progress(r.groupId(), t);
  }

  /** A local member left: during a revocation it counts as having revoked. */
  void memberLost(int groupId, int rank) {
    Tally t = tallies.get(groupId);
    if (t != null && t.size > 0 && rank < t.size && !t.voted.get(rank)) {
      t.voted.set(rank);
      t.votedHere.set(rank);
      progress(groupId, t);
    }
  }

  /**
   * Queues {@code again} if a revocation of {@code groupId} below {@code seq} is under way;
   * returns whether it did (the caller then drops the message for now).
   */
  boolean queueIfRevoking(int groupId, long seq, Runnable again) {
    Tally t = tallies.get(groupId);
    if (t == null || t.size == 0 || seq <= t.seq) {
      return false;
    }
    if (t.queued.size() >= MAX_QUEUED) {
      LOG.warn("group {}: {} messages already queued behind its revocation; dropped one", groupId, MAX_QUEUED);
      return true;
    }
    t.queued.add(again);
    return true;
  }

  private Tally tally(CacheMessages.Revoke r) {
    int g = r.groupId();
    if (g == worldGroup) {
      LOG.warn("a revocation of the world group {} was ignored", g);
      return null;
    }
    if (r.groupSize() < 1 || r.groupSize() > tables.maxGroupSize() || tables.isRevoked(g, r.seq())) {
      return null;
    }
    if (r.kind() == CacheMessages.VOTE && (r.rank() < 0 || r.rank() >= r.groupSize())) {
      return null;
    }
    Tally t = tallies.get(g);
    if (t != null && t.size > 0 && (r.seq() < t.seq || (r.seq() == t.seq && r.groupSize() != t.size))) {
      return null; // stale, or disagreeing with the tally
    }
    if (t == null || t.size == 0 || r.seq() > t.seq) {
      Tally fresh = new Tally(r.seq(), r.groupSize());
      if (t != null) {
        fresh.queued.addAll(t.queued);
      }
      tallies.put(g, fresh);
      t = fresh;
    }
    return t;
  }

  private void progress(int groupId, Tally t) {
    int sp = wire.localServiceProcess();
    if (!t.sent && sp >= 0 && allLocalVoted(groupId, t, sp)) {
      t.sent = true;
      int[] ranks = t.votedHere.stream().toArray();
      Buffer counts = CacheMessages.revoke(CacheMessages.COUNTS, groupId, t.seq, t.size, -1, sp, ranks, ranks.length);
      for (PeerImpl m : wire.mesh()) {
        wire.send(m, counts);
      }
    }
    if (t.voted.cardinality() < t.size) {
      return;
    }
    List<PeerImpl> locals = wire.localMembersOf(groupId);
    tables.revoke(groupId, t.seq);
    tallies.remove(groupId);
    Buffer done = CacheMessages.revoke(CacheMessages.DONE, groupId, t.seq, t.size, -1, sp, new int[0], 0);
    locals.forEach(l -> wire.send(l, done));
    wire.revoked(groupId, t.seq);
    t.queued.forEach(Runnable::run);
  }

  /** Whether every rank this service process serves in the group (at the tally's sequence) voted. */
  private boolean allLocalVoted(int groupId, Tally t, int sp) {
    GroupTable table = tables.table(groupId);
    if (table == null || table.seq != t.seq) {
      return !t.votedHere.isEmpty();
    }
    for (int r = table.nextKnown(0); r >= 0; r = table.nextKnown(r + 1)) {
      if (table.spAcquire(r) == sp && !t.votedHere.get(r)) {
        return false;
      }
    }
    return true;
  }
}
