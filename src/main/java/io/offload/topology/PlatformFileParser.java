package io.offload.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** Reads the lines of a {@link PlatformFile}, checking each field; errors name the file, line and field. */
final class PlatformFileParser {

  /** One DPU entry as written. */
  private record DpuLine(String name, String address, int[] meshPorts, int[] rankPorts, int line) {
  }

  /** One host line as written. */
  private record HostLine(String name, List<DpuLine> dpus, int line) {
  }

  private static final String DPU_SHAPE =
      "<dpu host name>:<connection address>:<inter-service-process ports>:<rank ports>";

  private final String source;
  private final DpuList selection;
  private final Map<String, Integer> hostNames = new HashMap<>();
  private final Map<String, Integer> dpuNames = new HashMap<>();
  private final Map<String, Integer> endpoints = new HashMap<>();

  PlatformFileParser(String source, DpuList selection) {
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
          + PlatformFile.FORMAT_LINE + "')");
    }
    return select(hosts);
  }

  private void version(String first) {
    Matcher m = PlatformFile.VERSION_LINE.matcher(first);
    if (!m.matches()) {
      throw new TopologyException(source + ":1: first line must be '" + PlatformFile.FORMAT_LINE + "', got '" + first + "'");
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
