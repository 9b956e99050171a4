package io.offload.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Child JVMs of the demo start from a class-data sharing archive per role, recorded by the first
 * child (issue 16, fault 9), and every fixed wait of a child follows the job's timeout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClassDataSharingTest {

  @TempDir
  Path dir;

  /** A jar holding one class of ours, so that the JVM has something of the classpath to archive. */
  private Path jar() throws Exception {
    Path jar = dir.resolve("app.jar");
    String name = "io/offload/cli/Stats.class";
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry(name));
      j.write(getClass().getClassLoader().getResourceAsStream(name).readAllBytes());
      j.closeEntry();
    }
    return jar;
  }

  private static Process java(Path jar, List<String> flags, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(flags);
    cmd.addAll(List.of(extra));
    cmd.addAll(List.of("-cp", jar.toString(), "-version"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  void shouldRecordAnArchiveWithTheFirstChildAndStartTheNextFromIt() throws Exception {
    Path jar = jar();
    ClassDataSharing cds = ClassDataSharing.forClasspath(jar.toString());
    assertTrue(cds.enabled());
    List<String> first = cds.flags("rank");
    assertEquals(1, first.size());
    assertTrue(first.get(0).startsWith("-XX:ArchiveClassesAtExit="), first.toString());
    assertEquals(List.of(), cds.flags("rank"), "one child records; the others start as before meanwhile");
    Process p = java(jar, first);
    cds.started("rank", p.pid());
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    cds.exited("rank", p.pid(), p.exitValue());
    assertTrue(Files.isRegularFile(cds.archive("rank")), "archive recorded: " + out);

    List<String> next = cds.flags("rank");
    assertEquals(List.of("-XX:SharedArchiveFile=" + cds.archive("rank")), next);
    // -Xshare:on: the JVM refuses to start unless it can map the archive
    Process q = java(jar, next, "-Xshare:on");
    String out2 = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(q.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, q.exitValue(), out2);
  }

  @Test
  void shouldSayArchivesAreMissingUntilBothRolesHaveOne() throws Exception {
    Path jar = jar();
    ClassDataSharing cds = ClassDataSharing.forClasspath(jar.toString());
    assertTrue(ProcessJob.archivesMissing(jar.toString()), "no archive yet: the demo records them first");
    Files.write(cds.archive("rank"), new byte[] {1});
    assertTrue(ProcessJob.archivesMissing(jar.toString()), "the service processes' is still missing");
    Files.write(cds.archive("service"), new byte[] {1});
    assertFalse(ProcessJob.archivesMissing(jar.toString()));
    assertFalse(ProcessJob.archivesMissing(jar + java.io.File.pathSeparator + dir), "no archives from directories");
  }

  @Test
  void shouldDoNothingWithADirectoryOnTheClasspath() throws Exception {
    ClassDataSharing cds = ClassDataSharing.forClasspath(jar() + java.io.File.pathSeparator + dir);
    assertFalse(cds.enabled());
    assertEquals(List.of(), cds.flags("rank"));
  }

  @Test
  void shouldGiveEveryChildTheJobsTimeout() {
    try (ProcessJob job = new ProcessJob(123_456)) {
      List<String> rank = job.builder("rank", List.of("rank")).command();
      assertTrue(rank.containsAll(ProcessJob.JVM_FLAGS), rank.toString());
    }
    // the waits themselves: what startRank/startServiceProcess pass (no fixed 60 s, 10 s left)
    try (ProcessJob job = new ProcessJob(123_456)) {
      assertEquals(List.of("--connect-timeout", "123456", "--cache-timeout", "123456", "--handshake-timeout", "123456"),
          job.rankOptions());
      assertEquals(List.of("--handshake-timeout", "123456"), job.serviceOptions());
    }
  }
}
