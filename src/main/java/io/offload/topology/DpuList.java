package io.offload.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * The DPUs a job uses ({@code DPU_OFFLOAD_LIST_DPUS}: names separated by commas); the other DPUs
 * of a platform file are ignored. A listed name selects a DPU of the file whose name is equal, or
 * that is the same name with or without its domain ({@code nodebf01} selects
 * {@code nodebf01.example.com} and the reverse; unlike the C original, {@code bf01} does not
 * select {@code bf010}).
 */
public final class DpuList {

  public static final String ENV = "DPU_OFFLOAD_LIST_DPUS";

  private static final DpuList ALL = new DpuList(List.of(), "every DPU");

  private final List<String> names;
  private final String source;

  private DpuList(List<String> names, String source) {
    this.names = List.copyOf(names);
    this.source = source;
  }

  /** Every DPU of the file. */
  public static DpuList all() {
    return ALL;
  }

  /** The DPUs of a comma-separated list; {@code source} names it in messages. Blank: every DPU. */
  public static DpuList parse(String commaSeparated, String source) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return ALL;
    }
    List<String> names = new ArrayList<>();
    for (String n : commaSeparated.split(",")) {
      if (!n.isBlank()) {
        names.add(n.trim());
      }
    }
    return names.isEmpty() ? ALL : new DpuList(names, source);
  }

  /** The list of {@value #ENV} when it is set, else every DPU. */
  public static DpuList fromEnvironment() {
    return parse(System.getenv(ENV), ENV);
  }

  public boolean isAll() {
    return names.isEmpty();
  }

  /** The names as listed (empty for every DPU). */
  public List<String> names() {
    return names;
  }

  /** Where the list came from, for messages. */
  public String source() {
    return source;
  }

  public boolean selects(String dpuName) {
    if (isAll()) {
      return true;
    }
    for (String n : names) {
      if (sameHost(n, dpuName)) {
        return true;
      }
    }
    return false;
  }

  /** Equal, or equal once the domain of the longer one is dropped. */
  static boolean sameHost(String a, String b) {
    return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
  }

  @Override
  public String toString() {
    return isAll() ? source : source + "=" + String.join(",", names);
  }
}
