package io.offload.job;

import io.vertx.core.Future;

/**
 * A service process that runs for one job of {@link #ranks()} ranks (from
 * {@code OffloadEngine.job(ranks)}). It counts the ranks that bootstrap with its server
 * contexts (scope {@code HOST_SERVICE}, each (group, rank) once) and how each leaves
 * ({@code Departure}: finalized or lost), and tells every mesh peer (scope {@code INTER_SERVICE})
 * its counts whenever they change and when a mesh link comes up.
 *
 * <p>The job is <em>over</em> once the counts summed over the mesh say that at least
 * {@code ranks} ranks bootstrapped and none is connected any more. The first service process to
 * see it tells its mesh peers, which take its word and end too: a service process that served no
 * rank at all still ends with the job. Without a mesh, {@code ranks} are this service process's
 * own. A service process lost from the mesh takes its connected ranks with it (they count as
 * lost); one restarted during the job counts afresh.
 *
 * <p>{@link #over()} completes once the job is over and every other service process of the job
 * knows: it acknowledged the message (a mesh link that comes up later gets it too), or its link
 * went down since (it is ending too, or gone). So closing the engine right after cannot overtake
 * the message, nor leave a service process behind whose link was not up yet when the job ended.
 * At most {@link #ACK_TIMEOUT_MS} ms after the job ended (a service process that never links). The job only
 * tells: closing the engine is the caller's decision (the CLI's {@code offload service --job N}
 * closes and exits 0, or 6 when a rank was lost).
 *
 * <p>Every service process of a mesh should be given the same {@code ranks}; a different size
 * from a peer is logged and its counts still summed.
 *
 * <p>Thread safety: any thread; futures complete on the caller's Vert.x context.
 */
public interface Job {

  /** How long {@link #over()} waits for the mesh peers' acknowledgements. */
  long ACK_TIMEOUT_MS = 10_000;

  /** The job's size in ranks, over every service process of the mesh. */
  int ranks();

  /** This service process's view now. */
  JobStatus status();

  /** Completes with the final view once the job is over (see above); never fails. */
  Future<JobStatus> over();
}
