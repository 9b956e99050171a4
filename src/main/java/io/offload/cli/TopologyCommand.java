package io.offload.cli;

import io.offload.topology.HostList;
import io.offload.topology.PlatformFile;
import io.offload.topology.SlurmNodeList;
import io.offload.topology.SlurmTasksPerNode;
import io.offload.topology.Topology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code offload topology}: a topology file from what the launcher already knows about the job's hosts. */
@Command(name = "topology", mixinStandardHelpOptions = true,
    description = {"Write a topology (JSON, or a platform file in the C original's format) for the job's hosts: "
        + "from an Open MPI hostfile ('node01 slots=4'), an MPICH machine file ('node01:4') or a plain list of "
        + "names, or from Slurm (SLURM_JOB_NODELIST with bracket ranges such as node[01-04,07], checked against "
        + "SLURM_TASKS_PER_NODE such as 2(x3),1).",
        "Each host gets --service-processes-per-host service processes at the host's name; service process i of a "
        + "host listens for ranks on --rank-base-port + i and for the mesh on --mesh-base-port + i "
        + "(with --distinct-ports: + its global id, for several hosts on one machine)."})
final class TopologyCommand implements Callable<Integer> {

  static final String NODELIST = "SLURM_JOB_NODELIST";
  static final String NODELIST_OLD = "SLURM_NODELIST";
  static final String TASKS = "SLURM_TASKS_PER_NODE";

  @Spec
  CommandSpec spec;

  /** Where the host names come from: exactly one. */
  static final class Source {
    @Option(names = "--hostfile", paramLabel = "FILE", description = "Open MPI hostfile, MPICH machine file or one "
        + "host name per line.")
    Path hostfile;

    @Option(names = "--slurm", description = "The hosts of this Slurm job: SLURM_JOB_NODELIST (or SLURM_NODELIST).")
    boolean slurm;

    @Option(names = "--nodelist", paramLabel = "LIST", description = "A host list in Slurm's syntax, e.g. "
        + "node[01-04,07].")
    String nodelist;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source;

  @Option(names = "--service-processes-per-host", paramLabel = "N", defaultValue = "1",
      description = "Service processes on each host (default: ${DEFAULT-VALUE}).")
  int perHost;

  @Option(names = "--rank-base-port", paramLabel = "PORT", defaultValue = "9010",
      description = "Rank port of each host's first service process (default: ${DEFAULT-VALUE}).")
  int rankBase;

  @Option(names = "--mesh-base-port", paramLabel = "PORT", defaultValue = "7010",
      description = "Inter-service-process port of each host's first service process (default: ${DEFAULT-VALUE}).")
  int meshBase;

  @Option(names = "--distinct-ports", description = "Give every service process of the job its own ports (base + "
      + "global id), so that host names that are one address (aliases of 127.0.0.1 on one machine) do not collide.")
  boolean distinctPorts;

  @Option(names = "--format", defaultValue = "json", paramLabel = "json|platform",
      description = "json (the topology file of --topology) or platform ('# Format version: 1'; default: "
          + "${DEFAULT-VALUE}).")
  String format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (default: standard output).")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (source == null) {
      throw new ParameterException(spec.commandLine(), "give one of --hostfile FILE, --slurm, --nodelist LIST");
    }
    if (!format.equals("json") && !format.equals("platform")) {
      throw new ParameterException(spec.commandLine(), "--format must be json or platform, got '" + format + "'");
    }
    List<String> hosts = hosts();
    checkPorts(hosts.size());
    Topology topology = Topology.fromJson(json(hosts));
    String text = format.equals("json") ? topology.toJson().encodePrettily() + "\n" : PlatformFile.format(topology);
    if (output == null) {
      System.out.print(text);
      System.out.flush();
    } else {
      Files.writeString(output, text, StandardCharsets.UTF_8);
    }
    System.err.println("offload topology: " + topology + (output == null ? "" : " written to " + output));
    return OffloadCli.OK;
  }

  private List<String> hosts() {
    if (source.hostfile != null) {
      return HostList.read(source.hostfile).stream().map(HostList.Host::name).toList();
    }
    if (source.nodelist != null) {
      return distinct(SlurmNodeList.expand(source.nodelist, "--nodelist"));
    }
    Map<String, String> env = System.getenv();
    String name = env.get(NODELIST) != null ? NODELIST : NODELIST_OLD;
    String list = env.get(name);
    if (list == null || list.isBlank()) {
      throw new ConfigException("--slurm: neither " + NODELIST + " nor " + NODELIST_OLD + " is set (run it inside "
          + "an allocation: salloc, sbatch, srun)");
    }
    List<String> hosts = distinct(SlurmNodeList.expand(list, name));
    String tasks = env.get(TASKS);
    if (tasks != null && !tasks.isBlank()) {
      int[] perNode = SlurmTasksPerNode.parse(tasks, TASKS);
      if (perNode.length != hosts.size()) {
        throw new ConfigException(TASKS + "='" + tasks + "' covers " + perNode.length + " node(s) but " + name
            + " lists " + hosts.size());
      }
    }
    return hosts;
  }

  private List<String> distinct(List<String> hosts) {
    if (hosts.stream().distinct().count() != hosts.size()) {
      throw new ConfigException("the host list names a host twice: " + hosts);
    }
    return hosts;
  }

  private void checkPorts(int hosts) {
    if (perHost < 1) {
      throw new ParameterException(spec.commandLine(), "--service-processes-per-host must be >= 1, got " + perHost);
    }
    int span = distinctPorts ? hosts * perHost : perHost;
    for (int base : new int[] {rankBase, meshBase}) {
      if (base < 1 || (long) base + span - 1 > 65535) {
        throw new ParameterException(spec.commandLine(), "ports " + base + ".." + ((long) base + span - 1)
            + " are not all in [1, 65535]");
      }
    }
    if (rankBase < meshBase + span && meshBase < rankBase + span) {
      throw new ParameterException(spec.commandLine(), "rank ports " + rankBase + ".." + (rankBase + span - 1)
          + " overlap mesh ports " + meshBase + ".." + (meshBase + span - 1));
    }
  }

  private JsonObject json(List<String> hosts) {
    JsonArray hs = new JsonArray();
    int global = 0;
    for (String h : hosts) {
      JsonArray sps = new JsonArray();
      for (int s = 0; s < perHost; s++, global++) {
        int offset = distinctPorts ? global : s;
        sps.add(new JsonObject().put("rankPort", rankBase + offset).put("meshPort", meshBase + offset));
      }
      hs.add(new JsonObject().put("name", h).put("address", h).put("serviceProcesses", sps));
    }
    return new JsonObject().put("hosts", hs);
  }
}
