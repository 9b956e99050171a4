package io.offload.cache.impl;

import io.offload.cache.EntryOutcome;
import io.offload.context.impl.PeerImpl;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collective revocation's state machine by hand, on one service process (id 0) that serves
 * ranks 0..3 of group 5 and hears about ranks 4..7 from the mesh: counting, sequence numbers,
 * what is queued, the world group.
 */
class RevocationsTest {

  final TestCache cache = new TestCache();
  final CacheTables tables = cache.tables();
  final List<String> revoked = new ArrayList<>();
  final List<String> votesSent = new ArrayList<>();
  final Revocations.Wire wire = new Revocations.Wire() {
    @Override
    public int localServiceProcess() {
      return 0;
    }

    @Override
    public Iterable<PeerImpl> mesh() {
      return List.of();
    }

    @Override
    public List<PeerImpl> localMembersOf(int groupId) {
      return List.of();
    }

    @Override
    public void send(PeerImpl to, Buffer revokeMessage) {
      CacheMessages.Revoke r = CacheMessages.decodeRevoke(revokeMessage);
      votesSent.add(r.groupId() + "@" + r.seq());
    }

    @Override
    public void revoked(int groupId, long seq) {
      revoked.add(groupId + "@" + seq);
    }
  };
  final Revocations revocations = new Revocations(tables, wire, 0);

  void fill(int group, long seq) {
    for (int r = 0; r < 8; r++) {
      tables.put(group, seq, 8, r, r % 4, 4, r / 4, r < 4 ? 0 : 1);
    }
  }

  static CacheMessages.Revoke vote(int g, long seq, int rank) {
    return CacheMessages.decodeRevoke(CacheMessages.revoke(CacheMessages.VOTE, g, seq, 8, rank, -1, new int[0], 0));
  }

  static CacheMessages.Revoke counts(int g, long seq, int... ranks) {
    return CacheMessages.decodeRevoke(CacheMessages.revoke(CacheMessages.COUNTS, g, seq, 8, -1, 1, ranks,
        ranks.length));
  }

  @Test
  void revokedOnlyWhenEveryMemberVotedEachCountedOnce() {
    fill(5, 1);
    for (int r = 0; r < 4; r++) {
      revocations.onVote(vote(5, 1, r));
      revocations.onVote(vote(5, 1, r)); // twice: counted once
    }
    revocations.onCounts(counts(5, 1, 4, 5, 6, 99)); // 99 is outside the group
    assertTrue(cache.isComplete(5), "7 of 8 voted");
    assertTrue(revoked.isEmpty());
    revocations.onCounts(counts(5, 1, 7));
    assertFalse(cache.contains(5, 0), "the 8th vote revokes it");
    assertEquals(List.of("5@1"), revoked);
    // late votes of sequence 1 are stale: nothing starts again
    revocations.onVote(vote(5, 1, 0));
    assertEquals(EntryOutcome.STALE, tables.put(5, 1, 8, 0, 0, 4, 0, 0));
  }

  @Test
  void entriesOfTheNextSequenceWaitForTheRevocation() {
    fill(5, 1);
    revocations.onVote(vote(5, 1, 0));
    List<Integer> replayed = new ArrayList<>();
    assertTrue(revocations.queueIfRevoking(5, 2, () -> replayed.add(2)), "a newer sequence waits");
    assertFalse(revocations.queueIfRevoking(5, 1, () -> replayed.add(1)), "the same sequence does not");
    assertFalse(revocations.queueIfRevoking(6, 2, () -> replayed.add(6)), "another group does not");
    for (int r = 1; r < 4; r++) {
      revocations.onVote(vote(5, 1, r));
    }
    assertTrue(replayed.isEmpty());
    revocations.onCounts(counts(5, 1, 4, 5, 6, 7));
    assertEquals(List.of(2), replayed, "replayed once revoked");
  }

  @Test
  void aLostMemberCountsAsHavingRevoked() {
    fill(5, 1);
    for (int r = 0; r < 3; r++) {
      revocations.onVote(vote(5, 1, r));
    }
    revocations.onCounts(counts(5, 1, 4, 5, 6, 7));
    assertTrue(revoked.isEmpty());
    tables.remove(5, 1, 3, 0);
    revocations.memberLost(5, 3);
    assertEquals(List.of("5@1"), revoked);
  }

  @Test
  void theWorldGroupIsNeverRevoked() {
    fill(0, 0);
    for (int r = 0; r < 4; r++) {
      revocations.onVote(vote(0, 0, r));
    }
    revocations.onCounts(counts(0, 0, 4, 5, 6, 7));
    assertTrue(cache.isComplete(0));
    assertTrue(revoked.isEmpty());
  }

  @Test
  void aConfiguredWorldGroupIdIsNeverRevokedWhileGroup0IsRevokedLikeAnyOther() {
    Revocations world9 = new Revocations(tables, wire, 9);
    fill(9, 0);
    fill(0, 0);
    // on a rank: revoking the world group fails at once, group 0 sends its vote
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world9.revoke(9, 0, null));
    assertTrue(e.getMessage().contains("group 9 is the world group"), e.getMessage());
    assertFalse(world9.revoke(0, 0, null).isComplete(), "group 0's revoke waits for every member");
    assertEquals(List.of("0@0"), votesSent, "only group 0's vote left");

    // on the service process: every member votes for both groups
    for (int g : new int[] {9, 0}) {
      for (int r = 0; r < 4; r++) {
        world9.onVote(vote(g, 0, r));
      }
      world9.onCounts(counts(g, 0, 4, 5, 6, 7));
    }
    assertTrue(cache.isComplete(9), "the world group 9 stays whole");
    assertEquals(8, cache.knownMembers(9));
    assertFalse(cache.contains(0, 0), "group 0 is an ordinary group here: revoked once all 8 voted");
    assertEquals(0, cache.knownMembers(0));
    assertEquals(List.of("0@0"), revoked);
  }
}
