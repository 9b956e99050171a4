package io.offload.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time a rank spent, in ns: with every rank in this JVM, the sum over its own threads (its
 * application thread and its engine's UCX progress thread, ThreadMXBean); with a JVM per rank,
 * the whole process's.
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
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os::getProcessCpuTime;
  }
}
