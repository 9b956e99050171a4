package io.offload.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
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

  private static final Pattern VERSION_LINE = Pattern.compile("^ *# *Format version: *(\\S*).*$");
  private static final String DPU_SHAPE =
      "<dpu host name>:<connection address>:<inter-service-process ports>:<rank ports>";

  private final Topology topology;
  private final List<DpuSpec> dpus;

  private PlatformFile(Topology topology, List<DpuSpec> dpus) {
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
    return new Parser(source, selection).parse(text.split("\n", -1));
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

  /** One DPU entry as written. */
  private record DpuLine(String name, String address, int[] meshPorts, int[] rankPorts, int line) {
  }

  /** One host line as written. */
  private record HostLine(String name, List<DpuLine> dpus, int line) {
  }

  private static final class Parser {
    private final String source;
    private final DpuList selection;
    private final Map<String, Integer> hostNames = new HashMap<>();
    private final Map<String, Integer> dpuNames = new HashMap<>();
    private final Map<String, Integer> endpoints = new HashMap<>();

    Parser(String source, DpuList selection) {
      this.source = source;
      this.selection = selection;
    }

    PlatformFile parse(String[] lines) {
      version(strip(lines[0]));
      List<HostLine> hosts = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        String line = strip(lines[i]);
        if (line.isBlank() || line.stripLeading().startsWith("#")) {
          continue;
        }
        hosts.add(host(line, i + 1));
      }
      if (hosts.isEmpty()) {
        throw new TopologyException(source + ": lists no host (expected lines <host name>,<dpu>[,<dpu>...] after '"
            + FORMAT_LINE + "')");
      }
      return select(hosts);
    }

    private void version(String first) {
      Matcher m = VERSION_LINE.matcher(first);
      if (!m.matches()) {
        throw new TopologyException(source + ":1: first line must be '" + FORMAT_LINE + "', got '" + first + "'");
      }
      if (!m.group(1).equals("1")) {
        throw new TopologyException(source + ":1: format version must be 1 (the only one there is), got '"
            + m.group(1) + "'");
      }
    }

    private HostLine host(String text, int line) {
      String[] fields = text.split(",", -1);
      String name = fields[0].trim();
      if (name.isEmpty()) {
        throw error(line, "<host name>", "is empty (expected <host name>,<dpu>[,<dpu>...])");
      }
      Integer seen = hostNames.putIfAbsent(name, line);
      if (seen != null) {
        throw error(line, "<host name>", "'" + name + "' is used twice (first on line " + seen + ")");
      }
      if (fields.length < 2) {
        throw error(line, "host '" + name + "'", "lists no DPU (expected <host name>,<dpu>[,<dpu>...])");
      }
      List<DpuLine> dpus = new ArrayList<>();
      for (int d = 1; d < fields.length; d++) {
        dpus.add(dpu(fields[d].trim(), "dpu[" + (d - 1) + "]", line));
      }
      return new HostLine(name, dpus, line);
    }

    private DpuLine dpu(String text, String field, int line) {
      String[] parts = text.split(":", -1);
      if (parts.length != 4) {
        throw error(line, field, "must be " + DPU_SHAPE + ", got '" + text + "' (" + parts.length
            + (parts.length == 1 ? " field)" : " fields)"));
      }
      String name = parts[0].trim();
      String address = parts[1].trim();
      if (name.isEmpty()) {
        throw error(line, field + " <dpu host name>", "is empty");
      }
      if (address.isEmpty()) {
        throw error(line, field + " <connection address>", "is empty");
      }
      Integer seen = dpuNames.putIfAbsent(name, line);
      if (seen != null) {
        throw error(line, field + " <dpu host name>", "'" + name + "' is used twice (first on line " + seen + ")");
      }
      int[] mesh = ports(parts[2], field + " <inter-service-process ports>", line);
      int[] rank = ports(parts[3], field + " <rank ports>", line);
      if (mesh.length != rank.length) {
        throw error(line, field + " <rank ports>", "lists " + rank.length + " port(s) but <inter-service-process "
            + "ports> lists " + mesh.length + " (one pair per service process)");
      }
      for (int i = 0; i < mesh.length; i++) {
        unique(address, mesh[i], field + " <inter-service-process ports>", line);
        unique(address, rank[i], field + " <rank ports>", line);
      }
      return new DpuLine(name, address, mesh, rank, line);
    }

    private int[] ports(String text, String field, int line) {
      String[] items = text.split("&", -1);
      int[] ports = new int[items.length];
      for (int i = 0; i < items.length; i++) {
        String p = items[i].trim();
        int port;
        try {
          port = p.isEmpty() ? -1 : Integer.parseInt(p);
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 1 || port > 65535) {
          throw error(line, field, "must be ports in [1, 65535] joined by '&', got '" + p + "' in '" + text.trim() + "'");
        }
        ports[i] = port;
      }
      return ports;
    }

    private void unique(String address, int port, String field, int line) {
      Integer seen = endpoints.putIfAbsent(address + ":" + port, line);
      if (seen != null) {
        throw error(line, field, address + ":" + port + " is used twice (first on line " + seen + ")");
      }
    }

    private PlatformFile select(List<HostLine> lines) {
      for (String wanted : selection.names()) {
        if (dpuNames.keySet().stream().noneMatch(n -> DpuList.sameHost(wanted, n))) {
          throw new TopologyException(source + ": " + selection.source() + " names '" + wanted
              + "', which is not a DPU of the file (it has " + String.join(", ", dpuNames.keySet()) + ")");
        }
      }
      List<HostSpec> hosts = new ArrayList<>();
      List<DpuSpec> dpus = new ArrayList<>();
      int global = 0;
      for (HostLine h : lines) {
        int hostId = hosts.size();
        List<ServiceProcessSpec> sps = new ArrayList<>();
        for (DpuLine d : h.dpus()) {
          if (!selection.selects(d.name())) {
            continue;
          }
          dpus.add(new DpuSpec(d.name(), d.address(), hostId, global, d.meshPorts().length, d.line()));
          for (int i = 0; i < d.meshPorts().length; i++) {
            sps.add(new ServiceProcessSpec(global++, sps.size(), hostId, d.address(), d.rankPorts()[i],
                d.meshPorts()[i]));
          }
        }
        if (!sps.isEmpty()) {
          hosts.add(new HostSpec(hostId, h.name(), sps.get(0).address(), sps));
        }
      }
      return new PlatformFile(new Topology(hosts), dpus);
    }

    private static String strip(String line) {
      return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private TopologyException error(int line, String field, String what) {
      return new TopologyException(source + ":" + line + ": " + field + " " + what);
    }
  }
}
