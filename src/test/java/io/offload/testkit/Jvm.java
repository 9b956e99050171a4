package io.offload.testkit;

import io.offload.ucx.UcxSignals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM started with the test classpath. Its stdout and stderr lines are kept; tests wait
 * for a line with a bounded timeout. Every child is reaped: by {@link #close()}, and by a
 * shutdown hook for whatever a failed test left behind.
 */
public final class Jvm implements AutoCloseable {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  private final String name;
  private final Process process;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> pumps = new ArrayList<>();

  private Jvm(String name, Process process) {
    this.name = name;
    this.process = process;
    LIVE.add(process);
    pump(process.getInputStream(), "");
    pump(process.getErrorStream(), "[err] ");
  }

  /** Starts {@code mainClass} with {@code args} in a new JVM with this JVM's classpath. */
  public static Jvm start(String name, String mainClass, List<String> args) {
    return start(name, mainClass, args, Map.of());
  }

  public static Jvm start(String name, String mainClass, List<String> args, Map<String, String> env) {
    return start(name, List.of(), mainClass, args, env);
  }

  /**
   * Starts the JVM behind a command {@code prefix} that execs it, for example
   * {@code ip netns exec NS} to run it in a network namespace.
   */
  public static Jvm start(String name, List<String> prefix, String mainClass, List<String> args, Map<String, String> env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:ErrorFile=target/hs_err_pid%p.log",
        "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    UcxSignals.protect(pb.environment()); // before UCX loads (UcxSignals); env may still say otherwise
    io.offload.ucx.UcxStartup.tune(pb.environment());
    pb.environment().putAll(env);
    try {
      return new Jvm(name, pb.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  /** Starts the {@code offload} CLI with {@code args}. */
  public static Jvm offload(String name, String... args) {
    return start(name, "io.offload.cli.OffloadCli", List.of(args));
  }

  private void pump(java.io.InputStream in, String prefix) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(prefix + line);
            lines.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // process ended
      }
    }, name + "-output");
    t.setDaemon(true);
    pumps.add(t);
    t.start();
  }

  /** Waits for a stdout/stderr line matching {@code p}; throws with the output so far on timeout. */
  public String awaitLine(Predicate<String> p, long timeout, TimeUnit unit) throws InterruptedException {
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
          throw new AssertionError(name + ": expected line not seen (alive=" + process.isAlive() + "); output:\n"
              + String.join("\n", lines));
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
      }
    }
  }

  /** The port of the {@code listening HOST:PORT} line of a service process. */
  public int awaitListeningPort() throws InterruptedException {
    String line = awaitLine(l -> l.startsWith("listening "), 60, TimeUnit.SECONDS);
    return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
  }

  public List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  public String output() {
    return String.join("\n", lines());
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL. */
  public void kill() {
    process.destroyForcibly();
  }

  /** Waits for the exit code; throws on timeout. */
  public int awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
    if (!process.waitFor(timeout, unit)) {
      throw new AssertionError(name + " did not exit within " + timeout + " " + unit + "; output:\n" + output());
    }
    LIVE.remove(process);
    for (Thread t : pumps) { // the last lines (an abort message, say) are read before anyone looks
      t.join(2000);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
  }
}
