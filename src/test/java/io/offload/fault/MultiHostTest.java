package io.offload.fault;

import io.offload.testkit.Jvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two "hosts": network namespaces joined by a veth pair. A service process runs in one, ranks
 * in the other, UCX forced onto TCP over the veth (between namespaces of one kernel it would
 * otherwise pick shared memory). Bootstrap and notifications cross the link; cutting the link
 * ({@code ip link set ... down}), which closes no socket, is noticed by heartbeats.
 *
 * <p>Needs root (CI runs as root); skipped with the reason otherwise. The namespaces are
 * deleted whatever happens.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiHostTest {

  static final String TAG = Long.toString(ProcessHandle.current().pid() % 100_000);
  static final String NS_SP = "ofl-sp-" + TAG;
  static final String NS_RANK = "ofl-rk-" + TAG;
  static final String DEV_SP = "ofs" + TAG;
  static final String DEV_RANK = "ofr" + TAG;
  static final String SUBNET = "10.213." + (ProcessHandle.current().pid() % 200 + 20);
  static final String SP_IP = SUBNET + ".1";
  static final String RANK_IP = SUBNET + ".2";
  static final long HEARTBEAT_MS = 200;
  static boolean created;

  static String sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }
    return out;
  }

  @BeforeAll
  static void createHosts() throws Exception {
    String uid = sh("id", "-u").trim();
    Assumptions.assumeTrue(uid.equals("0"), "multi-host test skipped: needs root to create network namespaces "
        + "(uid is " + uid + "); CI runs as root");
    try {
      sh("ip", "netns", "add", NS_SP);
    } catch (IOException e) {
      Assumptions.abort("multi-host test skipped: cannot create a network namespace here: " + e.getMessage());
    }
    created = true;
    sh("ip", "netns", "add", NS_RANK);
    sh("ip", "link", "add", DEV_SP, "type", "veth", "peer", "name", DEV_RANK);
    sh("ip", "link", "set", DEV_SP, "netns", NS_SP);
    sh("ip", "link", "set", DEV_RANK, "netns", NS_RANK);
    sh("ip", "-n", NS_SP, "addr", "add", SP_IP + "/24", "dev", DEV_SP);
    sh("ip", "-n", NS_RANK, "addr", "add", RANK_IP + "/24", "dev", DEV_RANK);
    for (String[] nd : new String[][] {{NS_SP, DEV_SP}, {NS_RANK, DEV_RANK}}) {
      sh("ip", "-n", nd[0], "link", "set", "lo", "up");
      sh("ip", "-n", nd[0], "link", "set", nd[1], "up");
    }
  }

  @AfterAll
  static void deleteHosts() throws Exception {
    if (!created) {
      return;
    }
    List<String> errors = new ArrayList<>();
    for (String ns : List.of(NS_SP, NS_RANK)) { // deleting a namespace deletes its veth end, and so the pair
      try {
        sh("ip", "netns", "del", ns);
      } catch (IOException e) {
        errors.add(e.getMessage());
      }
    }
    String left = sh("ip", "netns", "list");
    assertTrue(!left.contains(NS_SP) && !left.contains(NS_RANK), "namespaces left behind: " + left + " " + errors);
  }

  static Jvm offloadIn(String name, String ns, String dev, String... args) {
    return Jvm.start(name, List.of("ip", "netns", "exec", ns), "io.offload.cli.OffloadCli", List.of(args),
        Map.of("UCX_TLS", "tcp", "UCX_NET_DEVICES", dev));
  }

  static long rxBytes(String ns, String dev) throws Exception {
    return Long.parseLong(sh("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/statistics/rx_bytes").trim());
  }

  @Test
  void shouldBootstrapAcrossHostsAndDetectACutLinkByHeartbeats() throws Exception {
    String hb = String.valueOf(HEARTBEAT_MS);
    try (Jvm service = offloadIn("sp-hostA", NS_SP, DEV_SP, "service", "--host", SP_IP, "--port", "0", "--id", "4",
        "--heartbeat-ms", hb, "--verbose")) {
      int port = service.awaitListeningPort();
      String connect = SP_IP + ":" + port;
      long rx0 = rxBytes(NS_SP, DEV_SP);

      // Bootstrap and 500 notification round trips across the link.
      try (Jvm rank = offloadIn("rank-hostB", NS_RANK, DEV_RANK, "rank", "--connect", connect, "--rank", "0", "--size",
          "2", "--host-id", "1", "--notifications", "500", "--payload", "1024", "--json", "--heartbeat-ms", hb)) {
        assertEquals(0, rank.awaitExit(60, TimeUnit.SECONDS), rank.output());
        String json = rank.lines().stream().filter(l -> l.startsWith("{")).findFirst().orElseThrow(() -> new AssertionError(rank.output()));
        assertTrue(json.contains("\"serviceProcess\":4") && json.contains("\"notifications\":500"), json);
        System.out.println("MULTI-HOST rank summary: " + json);
      }
      long crossed = rxBytes(NS_SP, DEV_SP) - rx0;
      assertTrue(crossed > 500 * 1024, "the notifications must cross the veth: only " + crossed + " bytes arrived");

      // A rank in the middle of a long run loses its link: both sides notice through heartbeats.
      try (Jvm rank = offloadIn("rank-cut", NS_RANK, DEV_RANK, "rank", "--connect", connect, "--rank", "1", "--size",
          "2", "--host-id", "1", "--notifications", "1000000", "--heartbeat-ms", hb, "--verbose")) {
        service.awaitLine(l -> l.contains("/peer 1") && l.contains("-> BOOTSTRAP_DONE"), 60, TimeUnit.SECONDS);
        Thread.sleep(300); // let round trips run across the link
        long t0 = System.nanoTime();
        sh("ip", "-n", NS_RANK, "link", "set", DEV_RANK, "down");
        String loss = service.awaitLine(l -> l.contains("/peer 1") && l.contains("-> DISCONNECTED"), 20, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(loss.contains("no heartbeat from the peer for " + 5 * HEARTBEAT_MS + " ms"), loss);
        String rankLoss = rank.awaitLine(l -> l.contains("-> DISCONNECTED"), 20, TimeUnit.SECONDS);
        assertTrue(rankLoss.contains("no heartbeat"), rankLoss);
        System.out.println("MULTI-HOST link cut detected by the service process after " + ms + " ms: " + loss);
        System.out.println("MULTI-HOST rank side: " + rankLoss);
        int exit = rank.awaitExit(30, TimeUnit.SECONDS);
        rank.lines().stream().filter(l -> l.contains("offload:")).limit(3).forEach(l -> System.out.println("MULTI-HOST rank log: " + l));
        System.out.println("MULTI-HOST rank exit " + exit + ": " + String.join(" | ", rank.lines().subList(
            Math.max(0, rank.lines().size() - 3), rank.lines().size())));
        assertEquals(1, exit, "a rank that lost its service process fails with the reason: " + rank.output());
      }
      sh("ip", "-n", NS_RANK, "link", "set", DEV_RANK, "up");
      service.terminate();
      assertEquals(0, service.awaitExit(30, TimeUnit.SECONDS), service.output());
    }
  }
}
