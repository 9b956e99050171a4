package io.offload.cache;

import io.offload.topology.Topology;

import io.offload.topology.RankInfo;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short digest of one group's entries, to compare caches across processes (and with the
 * ground truth derived from a {@link Topology}) by printing one word. Entries must be added in
 * rank order: group id, size, then per rank: rank, local rank, local size, host id, service
 * process, as big-endian ints, hashed with SHA-256; the first 16 hex digits are kept.
 *
 * <p>Not thread safe.
 */
public final class CacheDigest {

  private final MessageDigest sha;
  private final ByteBuffer scratch = ByteBuffer.allocate(20);

  public CacheDigest(int groupId, int groupSize) {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    scratch.clear();
    scratch.putInt(groupId).putInt(groupSize).flip();
    sha.update(scratch);
  }

  public CacheDigest add(int rank, int localRank, int localSize, int hostId, int serviceProcess) {
    scratch.clear();
    scratch.putInt(rank).putInt(localRank).putInt(localSize).putInt(hostId).putInt(serviceProcess).flip();
    sha.update(scratch);
    return this;
  }

  public String digest() {
    return HexFormat.of().formatHex(sha.digest(), 0, 8);
  }

  /**
   * The ground truth: the digest every cache must show for a group whose ranks are
   * {@code ranks} (by rank), each served as {@code topology} says.
   */
  public static String expected(Topology topology, RankInfo[] ranks) {
    CacheDigest d = new CacheDigest(ranks[0].groupId(), ranks.length);
    for (RankInfo r : ranks) {
      d.add(r.rank(), r.localRank(), r.localSize(), r.hostId(), topology.serviceProcessOf(r));
    }
    return d.digest();
  }
}
