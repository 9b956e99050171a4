package io.offload.cache;

import io.offload.topology.DpuList;
import io.offload.topology.DpuSpec;
import io.offload.topology.PlatformFile;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.topology.TopologyException;

import io.offload.topology.RankInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Platform files in the C original's format, each shape written here. */
class PlatformFileTest {

  @TempDir
  Path dir;

  @Test
  void oneDpuPerHostGivesOneServiceProcessPerHost() {
    PlatformFile p = parse("""
        # Format version: 1
        # <host name>,<dpu1_hostname:dpu_conn_addr:interdpu-port:rank-conn-port>,...
        helios001.example.com,heliosbf001.example.com:192.168.129.101:7010:9010
        helios002.example.com,heliosbf002.example.com:192.168.129.102:7010:9010
        helios003.example.com,heliosbf003.example.com:192.168.129.103:7010:9010
        """);
    Topology t = p.topology();
    assertEquals(3, t.hosts().size());
    assertEquals(List.of(
        new ServiceProcessSpec(0, 0, 0, "192.168.129.101", 9010, 7010),
        new ServiceProcessSpec(1, 0, 1, "192.168.129.102", 9010, 7010),
        new ServiceProcessSpec(2, 0, 2, "192.168.129.103", 9010, 7010)), t.serviceProcesses());
    assertEquals("helios002.example.com", t.host(1).name());
    assertEquals(List.of(
        new DpuSpec("heliosbf001.example.com", "192.168.129.101", 0, 0, 1, 3),
        new DpuSpec("heliosbf002.example.com", "192.168.129.102", 1, 1, 1, 4),
        new DpuSpec("heliosbf003.example.com", "192.168.129.103", 2, 2, 1, 5)), p.dpus());
    // every local rank of host 2 is served by its only service process
    assertEquals(2, t.serviceProcessOf(new RankInfo(0, 11, 12, 3, 4, 2)));
  }

  @Test
  void twoServiceProcessesPerDpuPairTheirPortsInOrder() {
    Topology t = parse("""
        # Format version: 1
        node01,node01-bf:192.0.2.10:7010&7011:9010&9011
        node02,node02-bf:192.0.2.11:7010&7011:9010&9011
        """).topology();
    assertEquals(List.of(
        new ServiceProcessSpec(0, 0, 0, "192.0.2.10", 9010, 7010),
        new ServiceProcessSpec(1, 1, 0, "192.0.2.10", 9011, 7011),
        new ServiceProcessSpec(2, 0, 1, "192.0.2.11", 9010, 7010),
        new ServiceProcessSpec(3, 1, 1, "192.0.2.11", 9011, 7011)), t.serviceProcesses());
    // local rank % 2 service processes of the host
    assertEquals(2, t.serviceProcessFor(1, 0).globalId());
    assertEquals(3, t.serviceProcessFor(1, 5).globalId());
    assertEquals(1, t.serviceProcessFor(0, 3).globalId());
  }

  @Test
  void eightServiceProcessesPerDpu() {
    String mesh = IntStream.range(0, 8).mapToObj(i -> Integer.toString(7010 + i)).collect(Collectors.joining("&"));
    String rank = IntStream.range(0, 8).mapToObj(i -> Integer.toString(9010 + i)).collect(Collectors.joining("&"));
    StringBuilder text = new StringBuilder("# Format version: 1\n");
    for (int h = 1; h <= 4; h++) {
      text.append("helios00").append(h).append(",heliosbf00").append(h).append(":192.168.129.10").append(h)
          .append(':').append(mesh).append(':').append(rank).append('\n');
    }
    PlatformFile p = parse(text.toString());
    Topology t = p.topology();
    assertEquals(32, t.serviceProcessCount());
    ServiceProcessSpec sp = t.serviceProcess(21); // host 2, the sixth of its DPU
    assertEquals(new ServiceProcessSpec(21, 5, 2, "192.168.129.103", 9015, 7015), sp);
    assertEquals(5, p.dpuRunning(21).localIdOf(21));
    assertEquals("heliosbf003", p.dpuRunning(21).name());
    assertEquals(8, p.dpuRunning(21).serviceProcesses());
    assertEquals(8 * 3 + 7, t.serviceProcessFor(3, 15).globalId());
  }

  @Test
  void severalDpusPerHostShareTheHostsLocalIdsAndKeepTheirOwnAddresses() {
    PlatformFile p = parse("""
        # Format version: 1
        node01,node01-bf1:10.0.0.1:7010&7011:9010&9011,node01-bf2:10.0.0.2:7010:9010
        node02,node02-bf1:10.0.0.3:7010:9010
        """);
    Topology t = p.topology();
    assertEquals(List.of(
        new ServiceProcessSpec(0, 0, 0, "10.0.0.1", 9010, 7010),
        new ServiceProcessSpec(1, 1, 0, "10.0.0.1", 9011, 7011),
        new ServiceProcessSpec(2, 2, 0, "10.0.0.2", 9010, 7010),
        new ServiceProcessSpec(3, 0, 1, "10.0.0.3", 9010, 7010)), t.serviceProcesses());
    assertEquals(3, t.host(0).serviceProcesses().size());
    // the second DPU's service process: local id 2 on the host, 0 on its DPU
    DpuSpec bf2 = p.dpuRunning(2);
    assertEquals(new DpuSpec("node01-bf2", "10.0.0.2", 0, 2, 1, 2), bf2);
    assertEquals(0, bf2.localIdOf(2));
    assertEquals(2, t.serviceProcessFor(0, 5).globalId()); // 5 % 3
  }

  @Test
  void commentsBlankLinesSpacesAndCrlfAreAccepted() {
    Topology t = parse("  #  Format version: 1\r\n"
        + "# a comment\r\n"
        + "\r\n"
        + "   # an indented comment, then a line with spaces around its fields\r\n"
        + " node01 , node01-bf : 127.0.0.1 : 7010 & 7011 : 9010 & 9011 \r\n"
        + "\n").topology();
    assertEquals(List.of(new ServiceProcessSpec(0, 0, 0, "127.0.0.1", 9010, 7010),
        new ServiceProcessSpec(1, 1, 0, "127.0.0.1", 9011, 7011)), t.serviceProcesses());
    assertEquals("node01", t.host(0).name());
  }

  @Test
  void badLinesNameTheFileTheLineAndTheField() {
    String head = "# Format version: 1\n# comment\n";
    assertError("# Format version: 2\nn,d:a:1:2\n", "p.cfg:1: format version must be 1 (the only one there is), got '2'");
    assertError(head, "p.cfg: lists no host (expected lines <host name>,<dpu>[,<dpu>...] after '# Format version: 1')");
    assertError(head + "node01\n", "p.cfg:3: host 'node01' lists no DPU (expected <host name>,<dpu>[,<dpu>...])");
    assertError(head + ",bf:1.2.3.4:7010:9010\n", "p.cfg:3: <host name> is empty (expected <host name>,<dpu>[,<dpu>...])");
    assertError(head + "node01,bf:1.2.3.4:7010\n", "p.cfg:3: dpu[0] must be <dpu host name>:<connection address>:"
        + "<inter-service-process ports>:<rank ports>, got 'bf:1.2.3.4:7010' (3 fields)");
    assertError(head + "node01,bf:1.2.3.4:7010:9010,\n", "p.cfg:3: dpu[1] must be <dpu host name>:<connection "
        + "address>:<inter-service-process ports>:<rank ports>, got '' (1 field)");
    assertError(head + "node01,:1.2.3.4:7010:9010\n", "p.cfg:3: dpu[0] <dpu host name> is empty");
    assertError(head + "node01,bf::7010:9010\n", "p.cfg:3: dpu[0] <connection address> is empty");
    assertError(head + "node01,bf:1.2.3.4:7010&x:9010&9011\n", "p.cfg:3: dpu[0] <inter-service-process ports> must "
        + "be ports in [1, 65535] joined by '&', got 'x' in '7010&x'");
    assertError(head + "node01,bf:1.2.3.4:7010:70000\n", "p.cfg:3: dpu[0] <rank ports> must be ports in "
        + "[1, 65535] joined by '&', got '70000' in '70000'");
    assertError(head + "node01,bf:1.2.3.4:7010&&7011:9010\n", "p.cfg:3: dpu[0] <inter-service-process ports> must "
        + "be ports in [1, 65535] joined by '&', got '' in '7010&&7011'");
    assertError(head + "node01,bf:1.2.3.4:7010&7011:9010\n", "p.cfg:3: dpu[0] <rank ports> lists 1 port(s) but "
        + "<inter-service-process ports> lists 2 (one pair per service process)");
    assertError(head + "node01,bf:1.2.3.4:7010:7010\n", "p.cfg:3: dpu[0] <rank ports> 1.2.3.4:7010 is used twice "
        + "(first on line 3)");
    assertError(head + "node01,bf1:1.2.3.4:7010:9010\nnode02,bf2:1.2.3.4:7011:9010\n",
        "p.cfg:4: dpu[0] <rank ports> 1.2.3.4:9010 is used twice (first on line 3)");
    assertError(head + "node01,bf1:1.2.3.4:7010:9010\nnode01,bf2:1.2.3.5:7010:9010\n",
        "p.cfg:4: <host name> 'node01' is used twice (first on line 3)");
    assertError(head + "node01,bf1:1.2.3.4:7010:9010\nnode02,bf1:1.2.3.5:7010:9010\n",
        "p.cfg:4: dpu[0] <dpu host name> 'bf1' is used twice (first on line 3)");
  }

  @Test
  void theListOfDpusKeepsOnlyTheJobsDpusAndRenumbersHosts() {
    String text = """
        # Format version: 1
        node01.example.com,bf01.example.com:10.0.0.1:7010&7011:9010&9011
        node02.example.com,bf02.example.com:10.0.0.2:7010&7011:9010&9011
        node03.example.com,bf03a.example.com:10.0.0.3:7010:9010,bf03b.example.com:10.0.0.4:7010:9010
        """;
    PlatformFile p = PlatformFile.parse(text, "p.cfg", DpuList.parse("bf02, bf03b.example.com", DpuList.ENV));
    Topology t = p.topology();
    assertEquals(2, t.hosts().size());
    assertEquals("node02.example.com", t.host(0).name());
    assertEquals(List.of(
        new ServiceProcessSpec(0, 0, 0, "10.0.0.2", 9010, 7010),
        new ServiceProcessSpec(1, 1, 0, "10.0.0.2", 9011, 7011),
        new ServiceProcessSpec(2, 0, 1, "10.0.0.4", 9010, 7010)), t.serviceProcesses());
    assertEquals(List.of("bf02.example.com", "bf03b.example.com"), p.dpus().stream().map(DpuSpec::name).toList());
    // a prefix that is not a whole name part selects nothing, so it is refused
    TopologyException e = assertThrows(TopologyException.class,
        () -> PlatformFile.parse(text, "p.cfg", DpuList.parse("bf0", DpuList.ENV)));
    assertTrue(e.getMessage().startsWith("p.cfg: DPU_OFFLOAD_LIST_DPUS names 'bf0', which is not a DPU of the file"),
        e.getMessage());
    assertTrue(DpuList.parse("  ,", DpuList.ENV).isAll());
  }

  @Test
  void topologyReadRecognisesAPlatformFileByItsFirstLine() throws Exception {
    Path cfg = dir.resolve("platform.cfg");
    Files.writeString(cfg, "# Format version: 1\nnode01,bf01:127.0.0.1:7010&7011:9010&9011\n");
    Topology t = Topology.read(cfg);
    assertEquals(2, t.serviceProcessCount());
    assertEquals(9011, t.serviceProcess(1).rankPort());
    Path bad = dir.resolve("bad.cfg");
    Files.writeString(bad, "# Format version: 1\nnode01,bf01:127.0.0.1:7010&7011:9010\n");
    TopologyException e = assertThrows(TopologyException.class, () -> Topology.read(bad));
    assertEquals(bad + ":2: dpu[0] <rank ports> lists 1 port(s) but <inter-service-process ports> lists 2 "
        + "(one pair per service process)", e.getMessage());
    assertFalse(PlatformFile.isPlatformFile("{ \"hosts\": [] }"));
    assertFalse(PlatformFile.isPlatformFile("# a comment first\n# Format version: 1\n"));
  }

  @Test
  void aTopologyWrittenAsAPlatformFileReadsBackTheSame() {
    Topology t = Topology.uniform(3, 2, "127.0.0.1", IntStream.range(0, 12).map(i -> 20000 + i).toArray());
    Topology back = PlatformFile.parse(PlatformFile.format(t), "out.cfg", DpuList.all()).topology();
    assertEquals(t.serviceProcesses(), back.serviceProcesses());
    assertEquals(t.toJson(), back.toJson());
  }

  private static PlatformFile parse(String text) {
    return PlatformFile.parse(text, "p.cfg", DpuList.all());
  }

  private static void assertError(String text, String message) {
    TopologyException e = assertThrows(TopologyException.class, () -> parse(text));
    assertEquals(message, e.getMessage());
  }
}
