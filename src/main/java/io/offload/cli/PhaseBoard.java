package io.offload.cli;

import io.offload.context.BootstrapPhase;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicIntegerArray;

/** Counts ranks per phase; prints a line when all ranks have reached a phase, and a live line on a terminal. */
final class PhaseBoard {
  private final int ranks;
  private final long t0;
  private final PrintStream out;
  private final AtomicIntegerArray reached = new AtomicIntegerArray(BootstrapPhase.values().length);
  private final boolean live = System.console() != null;

  PhaseBoard(int ranks, long t0, PrintStream out) {
    this.ranks = ranks;
    this.t0 = t0;
    this.out = out;
  }

  synchronized void reached(BootstrapPhase phase) {
    int n = reached.incrementAndGet(phase.ordinal());
    if (out == null) {
      return;
    }
    if (live) {
      out.printf("\rranks: OOB %d  UCX %d  DONE %d  lost %d   ", reached.get(1), reached.get(2), reached.get(3),
          reached.get(4));
    }
    if (n == ranks && phase != BootstrapPhase.DISCONNECTED) {
      out.printf("%s[%7.1f ms] all %d ranks %s%n", live ? "\r" : "", (System.nanoTime() - t0) / 1e6, ranks, phase);
    }
  }

  void finish() {
    if (out != null && live) {
      out.println();
    }
  }
}
