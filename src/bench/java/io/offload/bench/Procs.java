package io.offload.bench;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One child JVM of the harness, started with this JVM's classpath. Every child is reaped:
 * {@link #close()} kills it (callers use try-with-resources), and a shutdown hook kills any left
 * when the parent ends early (Ctrl-C, failure). Output lines are kept and can be awaited.
 */
final class Procs implements AutoCloseable {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "bench-reaper"));
  }

  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Writer stdin;

  private Procs(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    pump(process.getInputStream(), "");
    pump(process.getErrorStream(), "[err] ");
  }

  /**
   * Starts {@code mainClass args} in a new JVM. Environment knobs for experiments:
   * {@code BENCH_JVM_OPTS} (extra JVM flags), {@code BENCH_JFR=DIR} (a JFR recording per child,
   * settings {@code BENCH_JFR_SETTINGS}, default {@code profile}), {@code BENCH_VERBOSE} (echo output).
   */
  static Procs java(String name, String mainClass, List<String> args) {
    return java(name, mainClass, args, java.util.Map.of());
  }

  static Procs java(String name, String mainClass, List<String> args, java.util.Map<String, String> env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    String extra = System.getenv("BENCH_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    String jfr = System.getenv("BENCH_JFR");
    if (jfr != null && !jfr.isBlank()) {
      cmd.add("-XX:StartFlightRecording=filename=" + Path.of(jfr, name + ".jfr") + ",settings=" + System.getenv().getOrDefault("BENCH_JFR_SETTINGS", "profile") + ",dumponexit=true");
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      io.offload.ucx.UcxSignals.protect(pb.environment());
      io.offload.ucx.UcxStartup.tune(pb.environment());
      pb.environment().putAll(env);
      Process p = pb.start();
      LIVE.add(p);
      return new Procs(name, p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  static Procs child(String name, String... args) {
    return java(name, Child.class.getName(), List.of(args));
  }

  static Procs child(java.util.Map<String, String> env, String name, String... args) {
    return java(name, Child.class.getName(), List.of(args), env);
  }

  /** {@code offload service --port 0}: the project's own service-process CLI. */
  static Procs service(String name, int id) {
    return java(name, "io.offload.cli.OffloadCli", List.of("service", "--port", "0", "--id", String.valueOf(id)));
  }

  private void pump(java.io.InputStream in, String prefix) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (System.getenv("BENCH_VERBOSE") != null) {
            System.err.println("  [" + name + "] " + prefix + line);
          }
          synchronized (lines) {
            lines.add(prefix + line);
            lines.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // process ended
      }
    }, name + "-out");
    t.setDaemon(true);
    t.start();
  }

  String await(Predicate<String> p, long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (p.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
          throw new IllegalStateException(name + ": expected output not seen (alive=" + process.isAlive()
              + "); last lines:\n" + tail());
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
      }
    }
  }

  /** The words after {@code listening } on the child's readiness line. */
  String[] awaitListening(long seconds) throws InterruptedException {
    return await(l -> l.startsWith("listening "), seconds, TimeUnit.SECONDS).substring(10).trim().split(" ");
  }

  /** Waits for the child to exit with 0, then returns its RESULT lines. */
  List<JsonObject> results(long timeout, TimeUnit unit) throws InterruptedException {
    if (!process.waitFor(timeout, unit)) {
      throw new IllegalStateException(name + " did not finish within " + timeout + " " + unit + "; last lines:\n"
          + tail());
    }
    Thread.sleep(50); // let the output pumps drain the pipes
    if (process.exitValue() != 0) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + "; last lines:\n" + tail());
    }
    List<JsonObject> out = new ArrayList<>();
    synchronized (lines) {
      for (String l : lines) {
        if (l.startsWith("RESULT ")) {
          out.add(new JsonObject(l.substring(7)));
        }
      }
    }
    return out;
  }

  void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Resident set size in bytes (VmRSS), from /proc. */
  long rss() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for " + name);
  }

  private String tail() {
    synchronized (lines) {
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
  }

  /** SIGTERM first (shutdown hooks run: JFR dumps its recording), SIGKILL if still there after 3 s. */
  @Override
  public void close() {
    try {
      process.destroy();
      process.waitFor(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      LIVE.remove(process);
    }
  }
}
