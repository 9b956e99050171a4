package io.offload.ops;

import io.offload.memory.ExposedRegion;
import io.offload.topology.RankInfo;
import io.vertx.core.Future;

/**
 * A rank's collectives offloaded to its service process ({@link Operations#collectives}): the
 * service processes serving the group move the bytes between the ranks' buffers with one-sided
 * UCX gets and puts, and the rank only waits for the future. The buffers are regions the rank
 * exposed to its service process ({@code context.expose(0, buffer)}, an {@link ExposedRegion}):
 * expose once and reuse them, and keep them exposed until the futures using them completed.
 *
 * <p>As in MPI, every member of the group calls the same collectives in the same order (each
 * call takes the next sequence number of its group on this rank); counts and displacements are
 * in bytes. A future completes once every byte this rank sends has been read and every byte it
 * receives is in place. It fails with an {@link OperationException} if a member or a service
 * process of the group is lost, if the members disagree (a count sent that the receiver does
 * not expect), or if a UCX transfer fails; after such a failure the group takes no more
 * collectives at its service processes (until it is revoked).
 *
 * <p>Thread safety: any thread; the futures complete on the caller's Vert.x context.
 */
public interface Collectives {

  /**
   * MPI_Alltoallv with bytes: {@code sendCounts[j]} bytes at {@code sendDispls[j]} of
   * {@code send} go to member {@code j}, which receives them at its {@code recvDispls[me]}
   * ({@code recvCounts[me]} must equal them). Counts may be 0. The arrays have the group's size.
   *
   * @param me this rank's identity in the group (group id, rank, size)
   * @throws IllegalArgumentException at once for arrays of the wrong size, negative values,
   *                                  ranges outside the regions, or regions not exposed to this
   *                                  rank's service process
   */
  Future<Void> alltoallv(RankInfo me, ExposedRegion send, int[] sendCounts, int[] sendDispls, ExposedRegion recv,
      int[] recvCounts, int[] recvDispls);

  /**
   * MPI_Allgather with bytes: the {@code count} bytes at {@code sendOffset} of {@code send} reach
   * every member, which puts member {@code i}'s at {@code recvOffset + i * count} of its
   * {@code recv}.
   *
   * @throws IllegalArgumentException at once for negative values or ranges outside the buffers
   */
  Future<Void> allgather(RankInfo me, ExposedRegion send, int sendOffset, int count, ExposedRegion recv, int recvOffset);
}
