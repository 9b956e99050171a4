package io.offload.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./offload bench [--quick] [--json] [--out DIR] [--only SECTIONS] [--plot FILE.json]}.
 * Everything in one run so ratios hold on a noisy machine: JMH micro-benchmarks, then the
 * two-JVM transports (raw JUCX, notifications, NetSocket, clustered event bus), bootstrap and
 * bring-up. This JVM only orchestrates: it starts child JVMs, waits, and reaps them.
 * Writes {@code DIR/results.json}, {@code DIR/results.md} and {@code DIR/latency.png}
 * (default {@code target/bench-results}); {@code --json} also prints the JSON on stdout
 * (everything else goes to stderr then).
 */
@Command(name = "offload bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Benchmarks beside their raw baselines, all in one run so that ratios hold on a noisy machine: "
        + "JMH micro-benchmarks, two-JVM round trips and throughput (raw JUCX, notifications, notifications with "
        + "busy-polling, NetSocket, clustered event bus), one rank's bootstrap, N ranks onto M service processes.",
        "Writes DIR/results.json, DIR/results.md and DIR/latency.png. Progress goes to stderr with --json, "
            + "whose stdout then carries only the JSON. A full run takes ~5-6 min on 2 cores, --quick ~2-3 min."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done (a section that failed is reported in the results)", "2:bad options"})
public final class BenchMain implements Callable<Integer> {

  static final List<String> SECTIONS = List.of("micro", "raw", "notify", "notify-busy", "notify-el", "hops", "idle", "netsocket", "clustered-eb",
      "bootstrap", "bringup");

  @Option(names = "--quick", description = "Shorter runs.")
  boolean quick;

  @Option(names = "--json", description = "Also print the results JSON on stdout (everything else goes to stderr).")
  boolean json;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/bench-results",
      description = "Where the results go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--only", paramLabel = "SECTION", split = ",",
      description = "Only these sections, comma-separated, of: micro, raw, notify, notify-busy, notify-el, hops, "
          + "idle, netsocket, clustered-eb, bootstrap, bringup (default: all). Targets that need another section are reported "
          + "as 'not run'.")
  List<String> only;

  @Option(names = "--plot", paramLabel = "RESULTS.json", description = "Only re-render DIR/latency.png from a "
      + "results file.")
  Path plotOnly;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private BenchMain() {
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code = new CommandLine(new BenchMain())
        .setParameterExceptionHandler((ex, ignored) -> {
          ex.getCommandLine().getErr().println("offload bench: " + ex.getMessage().replace('\n', ' ')
              + " (see 'offload bench --help')");
          return 2;
        })
        .execute(args);
    System.out.flush();
    System.exit(code); // child-process readers and Vert.x threads must not keep this JVM alive
  }

  @Override
  public Integer call() throws Exception {
    if (only == null) {
      only = SECTIONS;
    }
    for (String s : only) {
      if (!SECTIONS.contains(s)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--only: no section '" + s + "' (sections: "
            + String.join(",", SECTIONS) + ")");
      }
    }
    Files.createDirectories(out);
    if (plotOnly != null) {
      Plot.render(new JsonObject(Files.readString(plotOnly)), out.resolve("latency.png"));
      System.err.println("wrote " + out.resolve("latency.png"));
      return 0;
    }
    PrintStream log = json ? System.err : System.out;
    Plan plan = new Plan(quick);
    List<String> selected = SECTIONS.stream().filter(only::contains).toList();
    this.progress = new Progress(log, selected.size()); // headers on stderr: progress, never in --json's stdout
    long start = System.nanoTime();
    JsonObject result = new JsonObject().put("mode", plan.toArg()).put("started", Instant.now().toString())
        .put("machine", machine());
    log.println(Report.machineLine(result.getJsonObject("machine")));

    if (only.contains("micro")) {
      section(progress, result, "micro", () -> Micro.run(plan, log));
    }
    JsonArray transport = new JsonArray();
    result.put("transports", transport);
    if (only.contains("raw")) {
      section(progress, result, "raw", () -> addAll(transport, pair("raw", plan)));
    }
    if (only.contains("notify")) {
      section(progress, result, "notify", () -> addAll(transport, pair("notify", plan)));
    }
    if (only.contains("notify-busy")) {
      // the same, with both progress threads busy-polling like the raw baseline: the library's own cost
      section(progress, result, "notify-busy", () -> addAll(transport, pair("notify", plan,
          Map.of("BENCH_BUSY", "1"), "notify-busy")));
    }
    if (only.contains("notify-el")) {
      // the client's consumers on a Vert.x event loop instead of the progress thread: one hand-off each way
      section(progress, result, "notify-el", () -> addAll(transport, pair("notify", plan,
          Map.of("BENCH_EVENT_LOOP", "1"), "notify-el")));
    }
    if (only.contains("idle")) {
      section(progress, result, "idle", BenchMain::idle);
    }
    if (only.contains("hops")) {
      // per-hop timestamps of the notification path (one more notify pair, timestamps on)
      section(progress, result, "hops", () -> pair("notify", plan, Map.of("BENCH_HOPS", "1"), "notify-hops").stream()
          .filter(j -> "hops".equals(j.getString("kind"))).findFirst().orElse(null));
    }
    if (only.contains("netsocket")) {
      section(progress, result, "netsocket", () -> addAll(transport, pair("net", plan)));
    }
    if (only.contains("clustered-eb")) {
      section(progress, result, "clustered-eb", () -> addAll(transport, cluster(plan)));
    }
    if (only.contains("bootstrap")) {
      section(progress, result, "bootstrap", () -> bootstrapOne(plan));
    }
    if (only.contains("bringup")) {
      section(progress, result, "bringup", () -> bringUp(plan, log));
    }
    result.put("seconds", (System.nanoTime() - start) / 1e9);
    result.getJsonObject("machine").put("loadAvgEnd", loadAverage());
    Report.evaluate(result);
    Files.writeString(out.resolve("results.json"), result.encodePrettily());
    String table = Report.markdown(result);
    Files.writeString(out.resolve("results.md"), table);
    try {
      Plot.render(result, out.resolve("latency.png"));
    } catch (Exception e) {
      log.println("plot failed: " + e);
    }
    log.println();
    log.println(table);
    log.println("wrote " + out.resolve("results.json") + ", results.md, latency.png");
    if (json) {
      System.out.println(result.encodePrettily());
    }
    return 0;
  }

  /** Section headers "== [i/n] name ...": which section runs, of how many selected. */
  private record Progress(PrintStream log, int total, int[] done) {
    Progress(PrintStream log, int total) {
      this(log, total, new int[1]);
    }

    String next(String name) {
      return "== [" + (++done[0]) + "/" + total + "] " + name + " ...";
    }
  }

  private Progress progress;

  interface Section {
    Object run() throws Exception;
  }

  private static void section(Progress progress, JsonObject result, String name, Section s) {
    PrintStream log = progress.log();
    long t0 = System.nanoTime();
    System.err.println(progress.next(name));
    try {
      Object value = s.run();
      if (value != null) {
        result.put(name, value);
      }
      log.printf("   %s done in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
    } catch (Exception e) {
      log.println("   " + name + " FAILED: " + e.getMessage());
      JsonObject errors = result.getJsonObject("errors");
      if (errors == null) {
        errors = new JsonObject();
        result.put("errors", errors);
      }
      errors.put(name, String.valueOf(e.getMessage()));
    }
  }

  /** Adds a transport's results to the shared array; returns null (stored there, not under the section). */
  private static Object addAll(JsonArray to, List<JsonObject> items) {
    items.forEach(to::add);
    return null;
  }

  /** A server child and a client child of one transport; the client's RESULT lines. */
  private static List<JsonObject> pair(String kind, Plan plan) throws Exception {
    return pair(kind, plan, Map.of(), null);
  }

  /** As above; {@code env} for both children, results renamed to transport {@code rename} when given. */
  private static List<JsonObject> pair(String kind, Plan plan, Map<String, String> env, String rename)
      throws Exception {
    try (Procs server = Procs.child(env, kind + "-server", kind + "-server")) {
      String[] listening = server.awaitListening(120);
      List<String> args = new ArrayList<>(List.of(kind + "-client"));
      args.addAll(Arrays.asList(listening));
      args.add(plan.toArg());
      try (Procs client = Procs.child(env, kind + "-client", args.toArray(String[]::new))) {
        List<JsonObject> results = client.results(15, TimeUnit.MINUTES);
        if (rename != null) {
          results.forEach(r -> r.put("transport", rename));
        }
        return results;
      }
    }
  }

  private static List<JsonObject> cluster(Plan plan) throws Exception {
    String name = "offload-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int p1 = freePort();
    int p2 = freePort();
    try (Procs server = Procs.child("eb-server", "eb-server", name, String.valueOf(p1), String.valueOf(p2));
         Procs client = Procs.child("eb-client", "eb-client", name, String.valueOf(p2), String.valueOf(p1),
             plan.toArg())) {
      return client.results(15, TimeUnit.MINUTES);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int servicePort(Procs sp) throws InterruptedException {
    String[] l = sp.awaitListening(120);
    return Integer.parseInt(l[0].substring(l[0].lastIndexOf(':') + 1));
  }

  /** CPU an engine with no traffic uses: one child JVM, 5 s of process CPU time after 2 s of rest. */
  private static JsonObject idle() throws Exception {
    try (Procs child = Procs.child("idle", "idle")) {
      return child.results(2, TimeUnit.MINUTES).get(0);
    }
  }

  /** One rank at a time against one {@code offload service}: fresh engine + connect, then close. */
  private static JsonObject bootstrapOne(Plan plan) throws Exception {
    int warm = plan.quick() ? 5 : 30;
    int n = plan.quick() ? 200 : 500;
    try (Procs sp = Procs.service("boot-sp", 0)) {
      int port = servicePort(sp);
      try (Procs client = Procs.child("boot-client", "bootstrap-client", String.valueOf(port), String.valueOf(warm),
          String.valueOf(n))) {
        return client.results(10, TimeUnit.MINUTES).get(0);
      }
    }
  }

  /**
   * N ranks (engines inside rank JVMs, 1 JVM up to 64 ranks, else 2) onto M {@code offload service}s;
   * time from "go" to every rank at BOOTSTRAP_DONE, repeated; resident memory of the service
   * processes before and after the first repetition.
   */
  private static JsonArray bringUp(Plan plan, PrintStream log) throws Exception {
    JsonArray out = new JsonArray();
    int reps = plan.quick() ? 1 : 3;
    int[][] configs = plan.quick()
        ? new int[][] {{1, 16}, {1, 256}, {4, 256}} // --quick: the memory slope and the 256-onto-4 target only
        : new int[][] {{1, 16}, {1, 64}, {1, 256}, {4, 16}, {4, 64}, {4, 256}};
    for (int[] config : configs) {
      out.add(bringUpOnce(config[0], config[1], reps, log));
    }
    return out;
  }

  /** One bring-up configuration: fresh service processes and rank JVMs, reaped at the end. */
  private static JsonObject bringUpOnce(int m, int n, int reps, PrintStream log) throws Exception {
    List<Procs> all = new ArrayList<>();
    try {
      List<Procs> sps = new ArrayList<>();
      for (int i = 0; i < m; i++) {
        Procs sp = Procs.service("sp" + i, i);
        sps.add(sp);
        all.add(sp);
      }
      StringBuilder ports = new StringBuilder();
      for (Procs sp : sps) {
        ports.append(ports.length() == 0 ? "" : ",").append(servicePort(sp));
      }
      int jvms = n > 64 ? 2 : 1;
      List<Procs> rankJvms = new ArrayList<>();
      for (int j = 0; j < jvms; j++) {
        Procs r = Procs.child("ranks" + j, "ranks", ports.toString(), String.valueOf(n / jvms),
            String.valueOf(j * (n / jvms)), String.valueOf(n), String.valueOf(n * reps));
        rankJvms.add(r);
        all.add(r);
      }
      for (Procs r : rankJvms) {
        r.await("ready"::equals, 120, TimeUnit.SECONDS);
      }
      Thread.sleep(500); // let the fresh JVMs settle (this thread is not an event loop)
      long[] upNanos = new long[reps];
      double[] createdMs = new double[reps];
      long rssBefore = 0;
      long rssAfter = 0;
      for (int rep = 0; rep < reps; rep++) {
        if (rep == 0) {
          for (Procs sp : sps) {
            rssBefore += sp.rss();
          }
        }
        long t0 = System.nanoTime();
        for (Procs r : rankJvms) {
          r.send("go " + rep);
        }
        int upSeen = rep + 1;
        for (Procs r : rankJvms) {
          String line = awaitCount(r, "up ", upSeen, 180);
          createdMs[rep] = Math.max(createdMs[rep], Double.parseDouble(line.split(" ")[1]));
        }
        upNanos[rep] = System.nanoTime() - t0;
        if (rep == 0) {
          Thread.sleep(300);
          for (Procs sp : sps) {
            rssAfter += sp.rss();
          }
        }
        for (Procs r : rankJvms) {
          r.send("quit");
        }
        for (Procs r : rankJvms) {
          awaitCount(r, "closed", upSeen, 120);
        }
      }
      long[] sorted = upNanos.clone();
      Arrays.sort(sorted);
      JsonObject row = new JsonObject().put("sps", m).put("ranks", n).put("rankJvms", jvms).put("reps", reps)
          .put("p50Ms", Sample.percentile(sorted, 0.5) / 1e6).put("maxMs", sorted[sorted.length - 1] / 1e6)
          .put("enginesCreatedP50Ms", median(createdMs))
          .put("spRssBeforeBytes", rssBefore).put("spRssAfterBytes", rssAfter)
          .put("spBytesPerRank", (rssAfter - rssBefore) / (double) n);
      log.printf("   %d ranks onto %d SP(s): p50 %.0f ms (engines created after %.0f ms), max %.0f ms; "
              + "SP RSS +%.1f KiB/rank%n", n, m, row.getDouble("p50Ms"), row.getDouble("enginesCreatedP50Ms"),
          row.getDouble("maxMs"), row.getDouble("spBytesPerRank") / 1024);
      return row;
    } finally {
      for (Procs p : all) {
        p.close();
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[(s.length - 1) / 2];
  }

  /** Waits for the {@code count}-th line starting with {@code prefix}; returns it. */
  private static String awaitCount(Procs p, String prefix, int count, long seconds) throws InterruptedException {
    int[] seen = {0};
    return p.await(l -> l.startsWith(prefix) && ++seen[0] == count, seconds, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ machine facts

  static JsonObject machine() {
    JsonObject m = new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          m.put("cpu", l.substring(l.indexOf(':') + 1).trim());
          break;
        }
      }
    } catch (IOException ignored) {
      // not Linux
    }
    List<String> v = command("ucx_info", "-v");
    m.put("ucx", v.isEmpty() ? "unknown" : v.get(0).replace("#", "").trim());
    TreeSet<String> transports = new TreeSet<>();
    for (String l : command("ucx_info", "-d")) {
      if (l.contains("Transport:")) {
        transports.add(l.substring(l.indexOf(':') + 1).trim());
      }
    }
    m.put("transports", String.join(",", transports));
    m.put("UCX_TLS", System.getenv().getOrDefault("UCX_TLS", "(unset: UCX picks)"));
    m.put("loadAvgStart", loadAverage());
    return m;
  }

  /** The 1-, 5- and 15-minute load averages: how busy the shared machine was. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static List<String> command(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      List<String> lines = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      }
      p.waitFor(10, TimeUnit.SECONDS);
      p.destroyForcibly();
      return lines;
    } catch (Exception e) {
      return List.of();
    }
  }
}
