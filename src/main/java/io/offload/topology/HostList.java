package io.offload.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosts of a launcher's host file, in order: an Open MPI hostfile ({@code node01 slots=4
 * max_slots=8}), an MPICH machine file ({@code node01:4}) or a plain list of names, one per line.
 * {@code #} starts a comment, blank lines are skipped, a host listed twice is one host whose slots
 * add up (as Open MPI does). Errors name the file, the line and the field.
 */
public final class HostList {

  /** One host and its slots (0 when the file does not say). */
  public record Host(String name, int slots) {
  }

  private HostList() {
  }

  public static List<Host> read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new TopologyException("cannot read host file " + file + ": " + e, e);
    }
  }

  /** Parses a host file; {@code source} names it in error messages. */
  public static List<Host> parse(String text, String source) {
    Map<String, Integer> slots = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      line = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\\s+");
      String name = fields[0];
      int n = 0;
      int colon = name.indexOf(':');
      if (colon >= 0) { // MPICH: host:count
        n = count(name.substring(colon + 1), "count after ':'", source, i + 1);
        name = name.substring(0, colon);
      }
      if (name.isEmpty() || name.contains("=")) {
        throw new TopologyException(source + ":" + (i + 1) + ": host name must come first, got '" + fields[0] + "'");
      }
      for (int f = 1; f < fields.length; f++) {
        String[] kv = fields[f].split("=", 2);
        String key = kv[0];
        if (kv.length != 2) {
          throw new TopologyException(source + ":" + (i + 1) + ": '" + fields[f] + "' must be key=value "
              + "(slots=N, max_slots=N)");
        }
        switch (key) {
          case "slots", "count", "cpu" -> n = count(kv[1], key, source, i + 1);
          case "max_slots", "max-slots" -> count(kv[1], key, source, i + 1);
          default -> throw new TopologyException(source + ":" + (i + 1) + ": unknown field '" + key
              + "' (known: slots, max_slots)");
        }
      }
      slots.merge(name, n, Integer::sum);
    }
    if (slots.isEmpty()) {
      throw new TopologyException(source + ": lists no host");
    }
    List<Host> hosts = new ArrayList<>();
    slots.forEach((name, n) -> hosts.add(new Host(name, n)));
    return hosts;
  }

  private static int count(String value, String field, String source, int line) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // the message below
    }
    throw new TopologyException(source + ":" + line + ": " + field + " must be a number >= 1, got '" + value + "'");
  }
}
