package io.offload.cli;

import io.offload.testkit.Jvm;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The C original's variables without a file, and the precedence options > environment > file. */
class EnvironmentLaunchTest {

  @TempDir
  Path dir;
  final List<Jvm> jvms = new ArrayList<>();

  @AfterEach
  void reap() {
    jvms.forEach(Jvm::close);
  }

  @Test
  void withoutAFileTheServerAddressAndPortVariablesPlaceTheServiceAndTheRank() throws Exception {
    int port = freePort();
    Map<String, String> env = Map.of("DPU_OFFLOAD_SERVER_ADDR", "127.0.0.1",
        "DPU_OFFLOAD_SERVER_PORT", Integer.toString(port));
    Jvm sp = start("sp", List.of("service"), env);
    assertEquals("listening 127.0.0.1:" + port, sp.awaitLine(l -> l.startsWith("listening "), 60, TimeUnit.SECONDS));
    Jvm rank = start("rank", List.of("rank", "--notifications", "2", "--json"),
        Map.of("DPU_OFFLOAD_SERVER_ADDR", "127.0.0.1", "DPU_OFFLOAD_SERVER_PORT", Integer.toString(port),
            "PMI_RANK", "3", "PMI_SIZE", "4", "PMI_LOCAL_RANK", "1", "PMI_LOCAL_SIZE", "2"));
    assertEquals(0, rank.awaitExit(60, TimeUnit.SECONDS), rank.output());
    JsonObject s = new JsonObject(rank.awaitLine(l -> l.startsWith("{"), 1, TimeUnit.SECONDS));
    assertEquals(3, s.getInteger("rank"));
    assertEquals(2, s.getInteger("notifications"));
    sp.terminate();
    assertEquals(0, sp.awaitExit(30, TimeUnit.SECONDS), sp.output());
  }

  @Test
  void optionsWinOverTheEnvironment() throws Exception {
    int port = freePort();
    // the environment names a file that does not exist and another port: the options must be used
    Map<String, String> env = Map.of("OFFLOAD_CONFIG_FILE_PATH", dir.resolve("missing.cfg").toString(),
        "DPU_OFFLOAD_SERVER_PORT", "1", "DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID", "7");
    Jvm sp = start("sp", List.of("service", "--port", Integer.toString(port),
        "--topology", write("one.cfg", "# Format version: 1\nh,bf:127.0.0.1:" + freePort() + ":" + port + "\n"),
        "--id", "0"), env);
    assertEquals("listening 127.0.0.1:" + port, sp.awaitLine(l -> l.startsWith("listening "), 60, TimeUnit.SECONDS));
    Jvm rank = start("rank", List.of("rank", "--connect", "127.0.0.1:" + port, "--rank", "0", "--notifications", "1"),
        env);
    assertEquals(0, rank.awaitExit(60, TimeUnit.SECONDS), rank.output());
    sp.terminate();
    assertEquals(0, sp.awaitExit(30, TimeUnit.SECONDS), sp.output());
  }

  @Test
  void withNoIdAServiceProcessOnADpuOfThePlatformFileTakesItsLocalIdThere() throws Exception {
    String me = InetAddress.getLocalHost().getHostName();
    int[] p = {freePort(), freePort(), freePort(), freePort(), freePort(), freePort()};
    Path file = Path.of(write("p.cfg", "# Format version: 1\n"
        + "other-host,other-bf:127.0.0.1:" + p[0] + ":" + p[1] + "\n"
        + "my-host," + me + ":127.0.0.1:" + p[2] + "&" + p[3] + ":" + p[4] + "&" + p[5] + "\n"));
    Jvm sp = start("sp", List.of("service"), Map.of("OFFLOAD_CONFIG_FILE_PATH", file.toString(),
        "DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID", "1", "DPU_OFFLOAD_SERVICE_PROCS_PER_DPU", "2"));
    // global id 2: the second service process of this machine's DPU, listening on its rank port
    assertEquals("listening 127.0.0.1:" + p[5], sp.awaitLine(l -> l.startsWith("listening "), 60, TimeUnit.SECONDS));
    sp.terminate();
    assertEquals(0, sp.awaitExit(30, TimeUnit.SECONDS), sp.output());
  }

  @Test
  void halfTheServerVariablesIsRefused() throws Exception {
    Jvm rank = start("rank", List.of("rank", "--rank", "0"), Map.of("DPU_OFFLOAD_SERVER_ADDR", "127.0.0.1"));
    assertEquals(OffloadCli.BAD_CONFIG, rank.awaitExit(60, TimeUnit.SECONDS), rank.output());
    assertEquals("[err] offload: set both DPU_OFFLOAD_SERVER_ADDR and DPU_OFFLOAD_SERVER_PORT (only "
        + "DPU_OFFLOAD_SERVER_ADDR is set)", rank.lines().get(rank.lines().size() - 1));
  }

  private String write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f.toString();
  }

  private Jvm start(String name, List<String> args, Map<String, String> env) {
    Jvm jvm = Jvm.start(name, "io.offload.cli.OffloadCli", args, env);
    jvms.add(jvm);
    return jvm;
  }

  private static int freePort() {
    return io.offload.topology.FreePorts.pick();
  }
}
