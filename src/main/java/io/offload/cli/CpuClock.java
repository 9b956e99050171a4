package io.offload.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time a rank spent, in ns (ThreadMXBean, per-thread clocks): the sum over its own threads
 * (its application thread and its engine's UCX progress thread), or over every thread of the
 * process (a JVM per rank: event loops, JIT and GC included; the OS's process clock counts in
 * 10 ms steps here, too coarse for one operation).
 */
interface CpuClock {

  long nanos();

  static CpuClock threads(long... threadIds) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    return () -> {
      long n = 0;
      for (long id : threadIds) {
        n += Math.max(0, mx.getThreadCpuTime(id));
      }
      return n;
    };
  }

  static CpuClock process() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    return () -> {
      long n = 0;
      for (long id : mx.getAllThreadIds()) {
        n += Math.max(0, mx.getThreadCpuTime(id));
      }
      return n;
    };
  }
}
