package io.offload.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Launch stress (issue 16, fault 3): one service process, then N real rank JVMs
 * ({@code offload rank --connect ...}), a few at a time, each bootstrapping and doing a few echo
 * round trips. Every rank is bounded and reaped. Each outcome is one of:
 * <ul>
 *   <li><b>ok</b>: exit 0;</li>
 *   <li><b>crash</b>: the JVM died of a signal or wrote a fatal-error report (hs_err) or UCX's
 *       "Caught signal" backtrace;</li>
 *   <li><b>hang</b>: not done within the hang limit: its thread dump ({@code jcmd Thread.print})
 *       is saved, then it is killed;</li>
 *   <li><b>failed</b>: any other exit code (its last lines are kept).</li>
 * </ul>
 * Run by {@code LaunchStressTest} (CI-sized), or by hand:
 * {@code mvn -B -q test -Dtest=LaunchStressTest -Doffload.stress.launches=1000}; the summary is
 * printed and written to {@code target/stress/summary.txt}.
 */
public final class LaunchStress {

  /** What a run found. */
  public record Result(int launches, int ok, int crashes, int hangs, int failed, List<String> problems,
                       long p50Ms, long p99Ms, long maxMs, long wallMs) {
    public String summary() {
      return "launches " + launches + ": ok " + ok + ", crashes " + crashes + ", hangs " + hangs + ", failed " + failed
          + "; rank wall time p50 " + p50Ms + " ms, p99 " + p99Ms + " ms, max " + maxMs + " ms; total " + wallMs / 1000
          + " s" + (problems.isEmpty() ? "" : "\n" + String.join("\n", problems));
    }
  }

  /** One line per launch on stdout (the manual run, {@link #main}). */
  private static volatile boolean PROGRESS;

  private LaunchStress() {
  }

  /**
   * Runs {@code launches} ranks, {@code parallel} at a time, against one fresh service process;
   * a rank still running after {@code hangSeconds} is a hang. {@code env} is added to every
   * rank's environment (for example UCX_ERROR_SIGNALS, to compare).
   */
  public static Result run(int launches, int parallel, long hangSeconds, Map<String, String> env, Path dir)
      throws Exception {
    Files.createDirectories(dir);
    long start = System.nanoTime();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    List<Long> times = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger crashes = new AtomicInteger();
    AtomicInteger hangs = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    int size = Math.max(1, Math.min(launches, 1000));
    try (Jvm service = Jvm.offload("stress-service", "service", "--port", "0", "--handshake-timeout",
        String.valueOf(hangSeconds * 1000), "--heartbeat-ms", String.valueOf(heartbeatMs(hangSeconds)))) {
      int port = service.awaitListeningPort();
      ExecutorService pool = Executors.newFixedThreadPool(parallel);
      try {
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < launches; i++) {
          int n = i;
          all.add(pool.submit(() -> {
            launch(n, port, size, hangSeconds, env, dir, problems, times, ok, crashes, hangs, failed);
            return null;
          }));
        }
        for (Future<?> f : all) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(60, TimeUnit.SECONDS);
      }
      if (!service.process().isAlive()) {
        problems.add("the service process died: " + tail(service.output(), 20));
        crashes.incrementAndGet();
      }
    }
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    Result r = new Result(launches, ok.get(), crashes.get(), hangs.get(), failed.get(), new ArrayList<>(problems),
        percentile(sorted, 50), percentile(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    Files.writeString(dir.resolve("summary.txt"), r.summary() + "\n");
    return r;
  }

  private static void launch(int n, int port, int size, long hangSeconds, Map<String, String> env, Path dir,
                             List<String> problems, List<Long> times, AtomicInteger ok, AtomicInteger crashes,
                             AtomicInteger hangs, AtomicInteger failed) throws Exception {
    long t0 = System.nanoTime();
    try (Jvm rank = Jvm.start("rank-" + n, "io.offload.cli.OffloadCli", List.of("rank", "--connect", "127.0.0.1:" + port,
        "--rank", String.valueOf(n % size), "--size", String.valueOf(size), "--notifications", "10",
        // a loaded machine must not turn into failures: only the hang limit bounds a rank
        "--connect-timeout", String.valueOf(hangSeconds * 1000), "--handshake-timeout", String.valueOf(hangSeconds * 1000),
        "--heartbeat-ms", String.valueOf(heartbeatMs(hangSeconds))),
        env)) {
      boolean done = rank.process().waitFor(hangSeconds, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      if (!done) {
        Path dump = dir.resolve("hang-" + n + "-pid" + rank.pid() + ".txt");
        Files.writeString(dump, io.offload.cli.ThreadDump.of(rank.pid()) + "\n---- output ----\n" + rank.output());
        hangs.incrementAndGet();
        if (PROGRESS) {
          System.out.println("launch " + n + " HANG, thread dump " + dump);
        }
        problems.add("launch " + n + " (pid " + rank.pid() + ") still running after " + hangSeconds + " s: thread dump "
            + dump);
        return;
      }
      int code = rank.awaitExit(10, TimeUnit.SECONDS);
      times.add(ms);
      if (PROGRESS) {
        System.out.println("launch " + n + " exit " + code + " " + ms + " ms");
      }
      String out = rank.output();
      Path hsErr = Path.of("target", "hs_err_pid" + rank.pid() + ".log");
      if (code == 0) {
        ok.incrementAndGet();
      } else if (code > 128 || code == 134 || Files.exists(hsErr) || out.contains("A fatal error has been detected")
          || out.contains("Caught signal")) {
        crashes.incrementAndGet();
        if (Files.exists(hsErr)) {
          Files.copy(hsErr, dir.resolve(hsErr.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        problems.add("launch " + n + " (pid " + rank.pid() + ") crashed, exit " + code + ": " + tail(out, 15));
      } else {
        failed.incrementAndGet();
        problems.add("launch " + n + " (pid " + rank.pid() + ") failed, exit " + code + ": " + tail(out, 5));
      }
    }
  }

  /** Heartbeats slow enough that a JVM starved for a while on a loaded machine is not declared lost (5 silent = lost). */
  private static long heartbeatMs(long hangSeconds) {
    return Math.max(1000, hangSeconds * 1000 / 20);
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n  ", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  /** {@code LaunchStress LAUNCHES [PARALLEL [HANG_SECONDS]]} with the test classpath. */
  public static void main(String[] args) throws Exception {
    int launches = Integer.parseInt(args[0]);
    int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    long hang = args.length > 2 ? Long.parseLong(args[2]) : 90;
    PROGRESS = true;
    Result r = run(launches, parallel, hang, Map.of(), Path.of("target", "stress"));
    System.out.println(r.summary());
    System.exit(r.crashes() + r.hangs() + r.failed() == 0 ? 0 : 1);
  }
}
