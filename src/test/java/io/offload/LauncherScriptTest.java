package io.offload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher scripts' UCX check (issue 16, fault 11). {@code ldconfig -p | grep -q} under
 * {@code pipefail} fails when grep exits at the first match while ldconfig still writes
 * (SIGPIPE): the script then thinks UCX is missing and runs apt-get. A stand-in {@code ldconfig}
 * that lists libucp first and then more than a pipe buffer makes that certain; stand-ins for
 * {@code apt-get}, {@code mvn} and {@code java} record what the script ran.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherScriptTest {

  @TempDir
  Path bin;

  private void stub(String name, String body) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private String run(String script) throws Exception {
    stub("ldconfig", "printf '\\tlibucp.so.0 (libc6,x86-64) => /usr/lib/libucp.so.0\\n'\nexec seq 1 300000");
    stub("apt-get", "echo \"apt-get $*\" >> '" + bin.resolve("apt-get.log") + "'");
    stub("mvn", "echo \"mvn $*\"");
    stub("java", "echo \"java UCX_ERROR_SIGNALS=[${UCX_ERROR_SIGNALS-unset}] $*\"");
    ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("bash", Path.of(script).toAbsolutePath().toString())))
        .redirectErrorStream(true);
    if (script.equals("offload")) {
      pb.command().add("help");
    }
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().remove("UCX_ERROR_SIGNALS");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertFalse(Files.exists(bin.resolve("apt-get.log")), "apt-get ran although UCX is there:\n" + out);
    assertFalse(out.contains("UCX missing") || out.contains("not installed"), out);
    return out;
  }

  @Test
  void shouldFindUcxWhenLdconfigIsCutOffByGrep() throws Exception {
    String out = run("offload");
    assertTrue(out.contains("java UCX_ERROR_SIGNALS=[] -jar"), "the JVM starts with UCX's signal handlers off:\n" + out);
  }

  @Test
  void shouldFindUcxInCiWhenLdconfigIsCutOffByGrep() throws Exception {
    // a copy of .ci/run beside the real launcher, with the consumer-project step (a real build of
    // its own, which the stand-in mvn cannot do) replaced by an echo; the UCX check is untouched
    Path root = Files.createDirectories(bin.resolve("repo/.ci")).getParent();
    String ci = Files.readString(Path.of(".ci/run"));
    assertTrue(ci.contains("src/it/consumer/run"), "the consumer step this test stands in for");
    Files.writeString(root.resolve(".ci/run"), ci.replace("src/it/consumer/run", "echo consumer-step"));
    Files.createSymbolicLink(root.resolve("offload"), Path.of("offload").toAbsolutePath());
    String out = run(root.resolve(".ci/run").toString());
    assertTrue(out.contains("consumer-step"), out);
    assertTrue(out.contains("mvn -B test"), out);
  }
}
