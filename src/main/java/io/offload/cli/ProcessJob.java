package io.offload.cli;

import io.offload.context.BootstrapPhase;
import io.offload.topology.RankInfo;
import io.offload.ucx.UcxSignals;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The demo with one JVM per service process and per rank (the CLI's own commands, same jar).
 * Service processes run with {@code --verbose}: their phase log lines feed the progress board.
 * Every child is reaped, whatever happens. Children start with flags for fast start-up and, when
 * this JVM runs from jars, a class-data sharing archive per role that the first run records.
 */
final class ProcessJob implements AutoCloseable {

  /**
   * Flags for every child: start-up dominates when dozens of JVMs start on a few cores. C1 only
   * with one compiler thread, compiling after 3 times the default calls (a child runs briefly: fewer
   * compilations pay), serial GC, a small heap and young generation (pages reused, not freshly
   * faulted in), no perf-data file. The class-data archives are mapped at the address they were
   * written for ({@code ArchiveRelocationMode=0}; the JDK's default relocates them, which writes
   * to every page): their pages then stay shared by all the children instead of each JVM owning a
   * private copy, and 68 JVMs on 2 cores took 31 s instead of 41 s (79 CPU-s to 62; README,
   * "Demo with one JVM per process"). No DNS resolver: the children only ever connect to the
   * addresses of a loopback topology, which the JDK resolves without a lookup, and Vert.x's
   * asynchronous resolver cost about 2 % of a rank's CPU to build. No time in log lines, which the
   * job reads only for phases and errors ({@link StartupProperties#LOG_TIME_FORMAT}). A JVM that
   * does not know a flag ignores it.
   */
  static final List<String> JVM_FLAGS = List.of("-XX:+IgnoreUnrecognizedVMOptions", "-Xmx128m", "-Xmn16m",
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=3",
      "-XX:-UsePerfData", "-Xshare:auto", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
      "-Dvertx.disableDnsResolver=true", "-D" + StartupProperties.LOG_SHOW_TIME + "=false");

  /**
   * Flags for children that measure a code path which runs only a few times per iteration
   * ({@code offload alltoallv}: a rank submits one operation and gets one completion per
   * alltoallv): C1 compiles a method after 20 times fewer calls and loops than by default, so the
   * warm-up iterations reach compiled code. With the default thresholds the offloaded rank's path
   * was still interpreted when measured (its CPU per operation fell from about 1 ms to 0.4 ms after
   * 200 warm-up iterations), while the direct one, run 30 times per iteration, was compiled.
   */
  static final List<String> COMPILE_SOONER = List.of("-XX:CompileThresholdScaling=0.05");

  /** A child still running this long after SIGTERM is stuck in finalization: its thread dump is kept. */
  static final long STUCK_AFTER_SIGTERM_MS = 10_000;

  private final List<Process> children = new ArrayList<>();
  /** Per service process (by pid): its last lines on stderr. */
  private final java.util.Map<Long, LastLines> tails = new java.util.concurrent.ConcurrentHashMap<>();
  /** Per child: its exit handled (guarded by {@code children}). */
  private final List<CompletableFuture<Void>> exitsHandled = new ArrayList<>();
  private final List<String> extraJvmFlags = new ArrayList<>();
  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final String classpath = System.getProperty("java.class.path");
  private final Thread reaper = new Thread(this::killAll, "demo-reaper");
  private final ClassDataSharing cds;
  private final long timeoutMs;
  private final boolean oversubscribed;
  private Long spinMicros;
  /** Rank JVMs that may be starting at once; null: no limit. */
  private LaunchWindow launchWindow;

  ProcessJob() {
    this(300_000);
  }

  /**
   * {@code timeoutMs}: how long a rank may take to connect, to bootstrap and to see its group in
   * the cache, and a service process to wait for a bootstrap (their fixed defaults are what a
   * loaded machine exceeded).
   */
  ProcessJob(long timeoutMs) {
    this(timeoutMs, 0);
  }

  /**
   * As above, for a job of {@code processes} JVMs. When they outnumber this machine's cores, each
   * child's progress thread sleeps as soon as it has no work ({@code --progress-spin-us 0}), as MPI
   * runtimes yield when oversubscribed: a thread spinning for its window takes a core from the
   * JVMs still starting and from the peers it waits for.
   */
  ProcessJob(long timeoutMs, int processes) {
    this.oversubscribed = processes > Runtime.getRuntime().availableProcessors();
    this.timeoutMs = timeoutMs;
    this.cds = ClassDataSharing.forClasspath(classpath);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * True when this JVM runs from jars and a role's class-data archive for them is missing (the
   * first job after a build records it, see {@link ClassDataSharing}).
   */
  static boolean archivesMissing() {
    return archivesMissing(System.getProperty("java.class.path"));
  }

  /** As {@link #archivesMissing()}, for children started with {@code classpath}. */
  static boolean archivesMissing(String classpath) {
    ClassDataSharing cds = ClassDataSharing.forClasspath(classpath);
    return cds.enabled() && !(Files.isRegularFile(cds.archive("rank")) && Files.isRegularFile(cds.archive("service")));
  }

  /** Adds {@code flags} to {@link #JVM_FLAGS} for every child started from now on; returns this job. */
  ProcessJob jvmFlags(List<String> flags) {
    extraJvmFlags.addAll(flags);
    return this;
  }

  /**
   * At most {@code jvms} rank JVMs starting at once (0: no limit): the next rank starts when one
   * of them is up ({@link #rankUp()}) or has exited. A JVM's start-up is CPU-bound; more of them
   * than a few per core share the cores, thrash their caches and finish no sooner. Returns this job.
   */
  ProcessJob launchWindow(int jvms) {
    launchWindow = jvms > 0 ? new LaunchWindow(jvms) : null;
    return this;
  }

  /** A rank JVM is up (its service process saw it bootstrapped): the next one may start. */
  void rankUp() {
    if (launchWindow != null) {
      launchWindow.up();
    }
  }

  /** A service process; completes with its port once it printed {@code listening}. */
  CompletableFuture<Integer> startServiceProcess(Path topology, int id, BiConsumer<String, BootstrapPhase> phases) {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Process p = start("service", List.of("service", "--topology", topology.toString(), "--id", String.valueOf(id),
        "--verbose"), serviceOptions());
    read(p.getInputStream(), line -> {
      if (line.startsWith("listening ")) {
        port.complete(Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim()));
      }
    });
    read(p.getErrorStream(), line -> {
      lastLines(p).add(line);
      // "... phases - sp0 server-1/peer 3 OOB_CONNECT_DONE -> UCX_CONNECT_DONE"
      int arrow = line.lastIndexOf(" -> ");
      int slash = line.indexOf("/peer ");
      if (line.contains("phases") && arrow > 0 && slash > 0) {
        String to = line.substring(arrow + 4).split(" ")[0];
        String context = line.substring(line.lastIndexOf(' ', slash - 1) + 1, slash);
        try {
          phases.accept(context, BootstrapPhase.valueOf(to));
        } catch (IllegalArgumentException notAPhase) {
          // another log line
        }
      }
    });
    p.onExit().thenRun(() -> port.completeExceptionally(new IllegalStateException(
        "service process " + id + " exited with " + p.exitValue() + " before listening")));
    return port;
  }

  /** A rank; completes with its JSON summary, or fails with its last error line. */
  CompletableFuture<JsonObject> startRank(Path topology, RankInfo r, int notifications) {
    return startRank(r, List.of("rank", "--topology", topology.toString(), "--notifications",
        String.valueOf(notifications), "--json"), rankOptions());
  }

  /**
   * A rank running the CLI command {@code args} (its identity options are added) that prints one
   * JSON line; completes with it, or fails with its last error line.
   */
  CompletableFuture<JsonObject> startRank(RankInfo r, List<String> args, List<String> more) {
    CompletableFuture<JsonObject> summary = new CompletableFuture<>();
    int rank = r.rank();
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--rank", String.valueOf(rank), "--size", String.valueOf(r.groupSize()), "--local-rank",
        String.valueOf(r.localRank()), "--local-size", String.valueOf(r.localSize()), "--host-id",
        String.valueOf(r.hostId())));
    AtomicBoolean place = enterLaunchWindow();
    Process p = start("rank", all, more);
    if (place != null) {
      p.onExit().thenRun(() -> launchWindow.exited(place)); // up or not, it starts no more
    }
    StringBuilder err = new StringBuilder();
    Thread stdout = read(p.getInputStream(), line -> {
      if (line.startsWith("{")) {
        summary.complete(new JsonObject(line));
      }
    });
    Thread stderr = read(p.getErrorStream(), line -> {
      if (line.startsWith("offload: ")) {
        synchronized (err) {
          err.append(line);
        }
      }
    });
    p.onExit().thenRunAsync(() -> {
      join(stdout);
      join(stderr);
      summary.completeExceptionally(new IllegalStateException("rank " + rank + " exited with " + p.exitValue()
          + (err.length() == 0 ? " and no summary" : ": " + err)));
    });
    return summary;
  }

  /** Waits for a place in the launch window (null: no window, or interrupted). */
  private AtomicBoolean enterLaunchWindow() {
    if (launchWindow == null) {
      return null;
    }
    try {
      return launchWindow.enter(timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * How a child of {@code role} is started: {@link #JVM_FLAGS} and those {@link #jvmFlags} added,
   * this JVM's classpath, a class-data sharing archive of its role when there is one
   * ({@link ClassDataSharing}), UCX's signal handlers off.
   */
  ProcessBuilder builder(String role, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(extraJvmFlags);
    cmd.addAll(cds.flags(role));
    cmd.addAll(List.of("-cp", classpath, OffloadCli.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    UcxSignals.protect(pb.environment());
    io.offload.ucx.UcxStartup.tune(pb.environment());
    return pb;
  }

  ProcessBuilder builder(List<String> args) {
    return builder("rank", args);
  }

  /** A rank's options: its waits, all the job's timeout, and the idle policy when oversubscribed. */
  List<String> rankOptions() {
    String t = String.valueOf(timeoutMs);
    return withIdlePolicy(List.of("--connect-timeout", t, "--cache-timeout", t, "--handshake-timeout", t));
  }

  /** A service process's options: its waits, all the job's timeout, and the idle policy when oversubscribed. */
  List<String> serviceOptions() {
    return withIdlePolicy(List.of("--handshake-timeout", String.valueOf(timeoutMs)));
  }

  /**
   * The idle policy alone, for children that take no waits from the job ({@code alltoallv-rank}):
   * {@code --progress-spin-us 0} when oversubscribed, else nothing.
   */
  List<String> idlePolicy() {
    if (spinMicros != null) {
      return List.of("--progress-spin-us", String.valueOf(spinMicros));
    }
    return oversubscribed ? List.of("--progress-spin-us", "0") : List.of();
  }

  /**
   * Every child's {@code --progress-spin-us}, whatever the job's size ({@code null}: the
   * oversubscription policy above). For a benchmark whose baseline must run as configured.
   */
  ProcessJob spinMicros(Long micros) {
    this.spinMicros = micros;
    return this;
  }

  private List<String> withIdlePolicy(List<String> options) {
    List<String> all = new ArrayList<>(options);
    all.addAll(idlePolicy());
    return all;
  }

  private Process start(String role, List<String> args, List<String> more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(more);
    ProcessBuilder pb = builder(role, all);
    try {
      Process p = pb.start();
      cds.started(role, p.pid());
      CompletableFuture<Void> exitHandled = p.onExit().thenRun(() -> cds.exited(role, p.pid(), p.exitValue()));
      synchronized (children) {
        children.add(p);
        exitsHandled.add(exitHandled);
      }
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + pb.command(), e);
    }
  }

  private static void join(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread read(InputStream in, Consumer<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.accept(line);
        }
      } catch (IOException ignored) {
        // child gone
      }
    }, "demo-child-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * SIGTERM to everyone still running (service processes finalize cleanly), then wait for them and
   * for their exits to be handled (a class-data archive they recorded is in place).
   */
  void terminateAll(long timeout, TimeUnit unit) throws InterruptedException {
    List<Process> all;
    List<CompletableFuture<Void>> handled;
    synchronized (children) {
      all = new ArrayList<>(children);
      handled = new ArrayList<>(exitsHandled);
    }
    all.forEach(Process::destroy);
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    long dumpAt = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STUCK_AFTER_SIGTERM_MS));
    for (Process p : all) {
      p.waitFor(Math.max(1, dumpAt - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    for (Process p : all) {
      if (p.isAlive()) {
        reportStuck(p);
      }
    }
    for (Process p : all) {
      p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    try {
      CompletableFuture.allOf(handled.toArray(CompletableFuture[]::new))
          .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // a child still running after the timeout is killed on close; an archive not moved is recorded next time
    }
  }

  /** The last lines a service process wrote on stderr, kept for {@link #reportStuck}. */
  private LastLines lastLines(Process p) {
    return tails.computeIfAbsent(p.pid(), pid -> new LastLines(40));
  }

  /**
   * Writes the thread dump of {@code p}, which SIGTERM did not end, and the last lines it logged to
   * a file, and says where on stderr.
   */
  private void reportStuck(Process p) {
    LastLines logged = tails.get(p.pid());
    String dump = ThreadDump.of(p.pid()) + "\n---- last lines on stderr ----\n" + (logged == null ? "" : logged);
    try {
      Path file = Files.createTempFile("offload-stuck-" + p.pid() + "-", ".txt");
      Files.writeString(file, dump);
      System.err.println("offload: child JVM " + p.pid() + " still running " + STUCK_AFTER_SIGTERM_MS / 1000
          + " s after SIGTERM: " + p.info().commandLine().map(c -> c.substring(Math.max(0, c.length() - 120)))
          .orElse("?") + "; thread dump in " + file);
    } catch (IOException e) {
      System.err.println("offload: child JVM " + p.pid() + " still running after SIGTERM; thread dump:\n" + dump);
    }
  }

  private void killAll() {
    synchronized (children) {
      children.forEach(Process::destroyForcibly);
    }
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
