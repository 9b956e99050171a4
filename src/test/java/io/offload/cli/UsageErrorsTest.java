package io.offload.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.offload.testkit.Jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad option values exit 2 with one line naming the option and pointing to --help: never 1, never a
 * stack trace, never the whole usage text. Each case fails in option checking, before any engine
 * starts, so the CLI runs in this JVM (same code path as {@code main}, output captured).
 */
class UsageErrorsTest {

  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Result offload(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OffloadCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  private static void assertUsageError(String expectedInMessage, String... args) {
    Result r = offload(args);
    String what = String.join(" ", args) + "\nstderr:\n" + r.err() + "stdout:\n" + r.out();
    assertEquals(OffloadCli.USAGE, r.code(), what);
    assertEquals(1, r.errLines().size(), "one line: " + what);
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("offload " + args[0] + ": "), what);
    assertTrue(line.contains(expectedInMessage), "names the problem (" + expectedInMessage + "): " + what);
    assertTrue(line.endsWith("(see 'offload " + args[0] + " --help')"), what);
    assertFalse(r.err().contains("Usage:") || r.err().contains("Exception") || r.err().contains("\tat "), what);
  }

  @Test
  void badRankOptionsExitTwoWithOneLine() {
    assertUsageError("numeric port, got '127.0.0.1:abc'", "rank", "--connect", "127.0.0.1:abc", "--rank", "0");
    assertUsageError("port must be in [1, 65535], got 70000", "rank", "--connect", "host:70000", "--rank", "0");
    assertUsageError("--notifications must be in [0, 10000000], got -1", "rank", "--connect", "127.0.0.1:1",
        "--rank", "0", "--notifications", "-1");
    assertUsageError("--payload must be in [0, 67108864], got -1", "rank", "--connect", "127.0.0.1:1", "--rank", "0",
        "--payload", "-1");
    assertUsageError("--payload must be in [0, 67108864], got 2147483647", "rank", "--connect", "127.0.0.1:1",
        "--rank", "0", "--payload", "2147483647");
    assertUsageError("--size must be >= 1, got 0", "rank", "--connect", "127.0.0.1:1", "--rank", "0", "--size", "0");
    assertUsageError("--rank must be >= 0, got -1", "rank", "--connect", "127.0.0.1:1", "--rank", "-1");
    assertUsageError("rank 5 is not in a group of size 2", "rank", "--connect", "127.0.0.1:1", "--rank", "5",
        "--size", "2");
    assertUsageError("--group must be >= 0, got -1", "rank", "--connect", "127.0.0.1:1", "--rank", "0",
        "--group", "-1");
    assertUsageError("--heartbeat-ms must be >= 1, got 0", "rank", "--connect", "127.0.0.1:1", "--rank", "0",
        "--heartbeat-ms", "0");
    assertUsageError("--progress-spin-us must be >= 0, got -1", "rank", "--connect", "127.0.0.1:1", "--rank", "0",
        "--progress-spin-us", "-1");
    assertUsageError("give exactly one of --connect", "rank", "--rank", "0");
    assertUsageError("'--rank'", "rank", "--connect", "127.0.0.1:1", "--rank", "x"); // picocli's own conversion
  }

  @Test
  void noRankIdentityIsAUsageError() {
    // only meaningful when this JVM was not itself started by a launcher
    if (new LauncherEnv(System.getenv()).rank().isEmpty()) {
      assertUsageError("no rank identity", "rank", "--connect", "127.0.0.1:1");
      // offload cache takes the same identity (a mixin): the same error, not a NullPointerException
      assertUsageError("no rank identity", "cache", "--topology", "verticles/topology-2hosts.json", "--size", "4");
    }
    assertUsageError("rank 5 is not in a group of size 2", "cache", "--topology", "verticles/topology-2hosts.json",
        "--rank", "5", "--size", "2");
  }

  @Test
  void badServiceAndDemoOptionsExitTwoWithOneLine() {
    assertUsageError("--memory-region must be >= 0, got -5", "service", "--memory-region", "-5");
    assertUsageError("--port must be in [0, 65535], got 70000", "service", "--port", "70000");
    assertUsageError("--metrics-port must be in [1, 65535], got 0", "service", "--metrics-port", "0");
    assertUsageError("--id must be >= 0, got -1", "service", "--id", "-1");
    assertUsageError("--job must be >= 1, got 0", "service", "--job", "0");
    assertUsageError("--progress-spin-us must be >= 0, got -2", "service", "--progress-spin-us", "-2");
    assertUsageError("Unknown option: '--no-such-option'", "service", "--no-such-option");
    assertUsageError("--ranks must be >= 1", "demo", "--ranks", "0");
    assertUsageError("--launch-window must be >= 0, got -1", "demo", "--launch-window", "-1");
    assertUsageError("--notifications must be in [0, 10000000], got 2147483647", "demo", "--notifications",
        "2147483647");
  }

  @Test
  void badAlltoallvRankSpinExitsTwoWithOneLine() {
    // the hidden rank of 'offload alltoallv --processes' takes the idle policy as 'offload rank' does
    assertUsageError("--progress-spin-us must be >= 0, got -1", "alltoallv-rank", "--topology",
        "verticles/topology-2hosts.json", "--rank", "0", "--size", "2", "--bytes", "8", "--iterations", "1",
        "--warmup", "0", "--seed", "1", "--progress-spin-us", "-1");
  }

  @Test
  void badAlltoallvSpinExitsTwoWithOneLine() {
    assertUsageError("--progress-spin-us must be >= 0, got -5", "alltoallv", "--ranks", "2", "--progress-spin-us", "-5");
  }

  @Test
  void helpHasNoPicocliWarnings() {
    for (String cmd : List.of("rank", "service", "demo", "topology")) {
      Result r = offload(cmd, "--help");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("Usage: offload " + cmd), r.out());
      assertEquals("", r.err(), "nothing on stderr (picocli warns there about bad format strings)");
    }
    Result top = offload("--help");
    assertEquals(0, top.code());
    // only the command run is built; --help and an unknown command get them all (alltoallv-rank is hidden)
    for (String cmd : List.of("service", "rank", "demo", "topology", "alltoallv", "cache")) {
      assertTrue(top.out().contains("  " + cmd + " "), cmd + " listed in:\n" + top.out());
    }
    Result typo = offload("rnak", "--rank", "0");
    assertEquals(2, typo.code(), typo.err());
    assertTrue(typo.err().contains("'rnak'") && typo.err().contains("(see 'offload --help')"), typo.err());
    assertTrue(top.out().contains("test ") && top.out().contains("bench ") && top.out().contains("example "),
        "--help lists the script's commands too:\n" + top.out());
    assertTrue(offload("rank", "--help").out().replaceAll("\\s+", " ").contains("local rank % service processes"),
        "the % is shown, once");
  }

  @Test
  void topologyWithADuplicateKeyIsRejectedWithFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dup.json");
    Files.writeString(file, """
        {
          "hosts": [
            { "name": "a", "address": "127.0.0.1",
              "serviceProcesses": [
                { "rankPort": 14100, "meshPort": 14101, "rankPort": 14102 }
              ] }
          ]
        }
        """);
    // a real process: the exit code is the one main() gives
    try (Jvm sp = Jvm.offload("dup", "service", "--topology", file.toString(), "--id", "0")) {
      assertEquals(OffloadCli.BAD_CONFIG, sp.awaitExit(60, TimeUnit.SECONDS), sp.output());
      List<String> err = sp.lines().stream().filter(l -> l.startsWith("[err] ")).toList();
      assertEquals(List.of("[err] offload: " + file + ":5: duplicate key 'rankPort'"), err, sp.output());
    }
  }
}
