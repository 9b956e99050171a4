package io.offload.job;

/**
 * A service process's view of its job: counts summed over every service process it has heard
 * from (itself included). A rank counts once per service process (and per life of that service
 * process) it bootstrapped with.
 *
 * @param ranks        the job's size, as given to {@code OffloadEngine.job(ranks)}
 * @param bootstrapped ranks that reached {@code BOOTSTRAP_DONE}
 * @param finalized    of those, ranks that left by finalizing (their termination arrived)
 * @param lost         of those, ranks lost instead (connection died, silent, refused, or their
 *                     service process was lost from the mesh while they were connected)
 * @param live         of those, ranks connected now
 * @param over         whether the job is over: at least {@code ranks} bootstrapped and none live
 * @param toldBy       the service process whose message ended the job here, or -1 (this one saw it,
 *                     or the job is not over)
 */
public record JobStatus(int ranks, int bootstrapped, int finalized, int lost, int live, boolean over, int toldBy) {

  /** Over with every rank finalized: nothing lost. */
  public boolean clean() {
    return over && lost == 0;
  }

  @Override
  public String toString() {
    return ranks + " ranks: " + bootstrapped + " bootstrapped, " + finalized + " finalized, " + lost + " lost, "
        + live + " live" + (over ? ", over" + (toldBy >= 0 ? " (told by service process " + toldBy + ")" : "") : "");
  }
}
