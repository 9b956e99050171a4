package io.offload.cli;

import io.offload.topology.DpuList;
import io.offload.topology.PlatformFile;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.testkit.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code offload topology}: a topology from a hostfile, a host list or Slurm's variables. */
class TopologyCommandTest {

  @TempDir
  Path dir;

  @Test
  void fromAnOpenMpiHostfileWithTwoServiceProcessesPerHost() throws Exception {
    Path hostfile = dir.resolve("hosts");
    Files.writeString(hostfile, "# job nodes\nnode01 slots=4\nnode02 slots=4 max_slots=8\n");
    Path out = dir.resolve("t.json");
    assertEquals(OffloadCli.OK, OffloadCli.run("topology", "--hostfile", hostfile.toString(),
        "--service-processes-per-host", "2", "--rank-base-port", "9100", "--mesh-base-port", "7100", "-o", out.toString()));
    Topology t = Topology.read(out);
    assertEquals(List.of(
        new ServiceProcessSpec(0, 0, 0, "node01", 9100, 7100),
        new ServiceProcessSpec(1, 1, 0, "node01", 9101, 7101),
        new ServiceProcessSpec(2, 0, 1, "node02", 9100, 7100),
        new ServiceProcessSpec(3, 1, 1, "node02", 9101, 7101)), t.serviceProcesses());
    assertEquals("node02", t.host(1).name());
  }

  @Test
  void fromAPlainListAsAPlatformFileWithDistinctPorts() throws Exception {
    Path list = dir.resolve("hosts.txt");
    Files.writeString(list, "127.0.0.1\nlocalhost\n");
    Path out = dir.resolve("p.cfg");
    assertEquals(OffloadCli.OK, OffloadCli.run("topology", "--hostfile", list.toString(), "--format", "platform",
        "--service-processes-per-host", "2", "--distinct-ports", "-o", out.toString()));
    String text = Files.readString(out);
    assertTrue(text.startsWith(PlatformFile.FORMAT_LINE + "\n"), text);
    assertTrue(text.contains("\nlocalhost,localhost:localhost:7012&7013:9012&9013\n"), text);
    Topology t = PlatformFile.parse(text, out.toString(), DpuList.all()).topology();
    assertEquals(new ServiceProcessSpec(3, 1, 1, "localhost", 9013, 7013), t.serviceProcess(3));
  }

  @Test
  void fromASlurmNodeListGivenOnTheCommandLine() throws Exception {
    Path out = dir.resolve("t.json");
    assertEquals(OffloadCli.OK, OffloadCli.run("topology", "--nodelist", "node[01-04,07]", "-o", out.toString()));
    Topology t = Topology.read(out);
    assertEquals(List.of("node01", "node02", "node03", "node04", "node07"),
        t.hosts().stream().map(h -> h.name()).toList());
    assertEquals(new ServiceProcessSpec(4, 0, 4, "node07", 9010, 7010), t.serviceProcess(4));
  }

  @Test
  void badInputsExitWithTheDocumentedCodes() throws Exception {
    Path bad = dir.resolve("bad");
    Files.writeString(bad, "node01 slots=x\n");
    assertEquals(OffloadCli.BAD_CONFIG, OffloadCli.run("topology", "--hostfile", bad.toString()));
    assertEquals(OffloadCli.BAD_CONFIG, OffloadCli.run("topology", "--nodelist", "n[1-2,1]"));
    assertEquals(OffloadCli.BAD_CONFIG, OffloadCli.run("topology", "--nodelist", "n[1-"));
    assertEquals(OffloadCli.USAGE, OffloadCli.run("topology"));
    assertEquals(OffloadCli.USAGE, OffloadCli.run("topology", "--nodelist", "a", "--slurm"));
    assertEquals(OffloadCli.USAGE, OffloadCli.run("topology", "--nodelist", "a", "--rank-base-port", "7010"));
    assertEquals(OffloadCli.USAGE, OffloadCli.run("topology", "--nodelist", "a", "--rank-base-port", "65535",
        "--service-processes-per-host", "2"));
    assertEquals(OffloadCli.USAGE, OffloadCli.run("topology", "--nodelist", "a", "--format", "yaml"));
  }

  @Test
  void fromTheSlurmJobsVariables() throws Exception {
    try (Jvm ok = Jvm.start("topology", "io.offload.cli.OffloadCli", List.of("topology", "--slurm"),
        Map.of("SLURM_JOB_NODELIST", "cn[8-10],gpu1", "SLURM_TASKS_PER_NODE", "2(x3),1"));
         Jvm mismatch = Jvm.start("mismatch", "io.offload.cli.OffloadCli", List.of("topology", "--slurm"),
             Map.of("SLURM_JOB_NODELIST", "cn[8-10]", "SLURM_TASKS_PER_NODE", "2(x2)"))) {
      assertEquals(0, ok.awaitExit(60, TimeUnit.SECONDS), ok.output());
      String json = String.join("\n", ok.lines().stream().filter(l -> !l.startsWith("[err]")).toList());
      Topology t = Topology.parse(json, "stdout");
      assertEquals(List.of("cn8", "cn9", "cn10", "gpu1"), t.hosts().stream().map(h -> h.name()).toList());
      assertEquals(OffloadCli.BAD_CONFIG, mismatch.awaitExit(60, TimeUnit.SECONDS), mismatch.output());
      assertTrue(mismatch.output().contains("SLURM_TASKS_PER_NODE='2(x2)' covers 2 node(s) but SLURM_JOB_NODELIST "
          + "lists 3"), mismatch.output());
    }
  }
}
