package io.offload.cli;

import io.offload.context.BootstrapPhase;

import java.io.PrintStream;

/**
 * Progress of {@code demo --processes} on stderr (never on stdout, which {@code --json} keeps for
 * the JSON): JVMs started, service processes listening, ranks connected, bootstrapped and
 * finished, a line at each quarter.
 */
final class JvmProgress {
  private final long t0;
  /** Where the lines go; null: nowhere. */
  private final PrintStream err;
  private final int serviceProcesses;
  private final int ranks;
  private int listening;
  private int connected;
  private int bootstrapped;
  private int finished;

  JvmProgress(long t0, int serviceProcesses, int ranks, PrintStream err) {
    this.t0 = t0;
    this.err = err;
    this.serviceProcesses = serviceProcesses;
    this.ranks = ranks;
  }

  synchronized void line(String what) {
    if (err != null) {
      err.printf("demo: [%7.1f ms] %s%n", (System.nanoTime() - t0) / 1e6, what);
      err.flush();
    }
  }

  synchronized void serviceProcessListening() {
    listening++;
    line("service processes listening " + listening + "/" + serviceProcesses);
  }

  synchronized void rankReached(BootstrapPhase phase) {
    if (phase == BootstrapPhase.OOB_CONNECT_DONE) {
      milestone("ranks connected (JVM up)", ++connected);
    } else if (phase == BootstrapPhase.BOOTSTRAP_DONE) {
      milestone("ranks bootstrapped", ++bootstrapped);
    }
  }

  synchronized void rankFinished() {
    milestone("ranks finished", ++finished);
  }

  private void milestone(String what, int n) {
    if (n == ranks || n % Math.max(1, ranks / 4) == 0) {
      line(what + " " + n + "/" + ranks);
    }
  }
}
