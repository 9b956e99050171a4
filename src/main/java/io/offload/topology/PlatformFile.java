package io.offload.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A platform file in the C original's format, the alternative to a JSON topology:
 *
 * <pre>
 * # Format version: 1
 * # comment lines start with '#'
 * node01,node01-bf:192.0.2.10:7010&amp;7011:9010&amp;9011
 * node02,node02-bf1:192.0.2.11:7010:9010,node02-bf2:192.0.2.12:7010:9010
 * </pre>
 *
 * One line per host: {@code <host name>,<dpu>[,<dpu>...]}; each {@code <dpu>} is
 * {@code <dpu host name>:<connection address>:<inter-service-process ports>:<rank ports>}, the
 * port lists joined by {@code &} and paired up: pair {@code i} is the DPU's service process
 * {@code i}, with that mesh port and rank port, listening on the DPU's address. Global ids follow
 * file order, local ids count per host (over all of its DPUs). Only the DPUs a {@link DpuList}
 * selects are kept; a host left with none is dropped. Blank lines are skipped. Errors name the
 * file, the line and the field.
 */
public final class PlatformFile {

  /** The mandatory first line. */
  public static final String FORMAT_LINE = "# Format version: 1";

  static final Pattern VERSION_LINE = Pattern.compile("^ *# *Format version: *(\\S*).*$");

  private final Topology topology;
  private final List<DpuSpec> dpus;

  PlatformFile(Topology topology, List<DpuSpec> dpus) {
    this.topology = topology;
    this.dpus = List.copyOf(dpus);
  }

  /** Whether {@code text} is a platform file: its first line is {@code # Format version: ...}. */
  public static boolean isPlatformFile(String text) {
    return VERSION_LINE.matcher(firstLine(text)).matches();
  }

  /** Reads a platform file, keeping the DPUs {@code selection} selects. */
  public static PlatformFile read(Path file, DpuList selection) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TopologyException("cannot read platform file " + file + ": " + e, e);
    }
    return parse(text, file.toString(), selection);
  }

  /** Parses a platform file; {@code source} names it in error messages. */
  public static PlatformFile parse(String text, String source, DpuList selection) {
    return new PlatformFileParser(source, selection).parse(text.split("\n", -1));
  }

  /** The hosts and service processes of the selected DPUs. */
  public Topology topology() {
    return topology;
  }

  /** The selected DPUs, in file order. */
  public List<DpuSpec> dpus() {
    return dpus;
  }

  /** The selected DPU with this host name, with or without its domain. */
  public Optional<DpuSpec> dpuNamed(String hostName) {
    return dpus.stream().filter(d -> DpuList.sameHost(d.name(), hostName)).findFirst();
  }

  /** The DPU that runs service process {@code globalId}. */
  public DpuSpec dpuRunning(int globalId) {
    for (DpuSpec d : dpus) {
      if (d.runs(globalId)) {
        return d;
      }
    }
    throw new IllegalArgumentException("no service process " + globalId + " in a platform of "
        + topology.serviceProcessCount());
  }

  /**
   * {@code topology} as a platform file: one DPU per host, named after the host, at the address
   * of the host's first service process (a platform file cannot say more).
   */
  public static String format(Topology topology) {
    StringBuilder b = new StringBuilder(FORMAT_LINE).append('\n')
        .append("# <host name>,<dpu host name>:<connection address>:<inter-service-process ports>:<rank ports>\n");
    for (HostSpec h : topology.hosts()) {
      StringBuilder mesh = new StringBuilder();
      StringBuilder rank = new StringBuilder();
      for (ServiceProcessSpec s : h.serviceProcesses()) {
        if (!s.address().equals(h.serviceProcesses().get(0).address())) {
          throw new IllegalArgumentException("host " + h.name() + " has service processes on several addresses: "
              + "a platform file gives one per DPU");
        }
        mesh.append(mesh.length() == 0 ? "" : "&").append(s.meshPort());
        rank.append(rank.length() == 0 ? "" : "&").append(s.rankPort());
      }
      b.append(h.name()).append(',').append(h.name()).append(':').append(h.serviceProcesses().get(0).address())
          .append(':').append(mesh).append(':').append(rank).append('\n');
    }
    return b.toString();
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    String line = nl < 0 ? text : text.substring(0, nl);
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }
}
