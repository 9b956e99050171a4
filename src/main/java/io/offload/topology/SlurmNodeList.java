package io.offload.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Slurm's compressed host lists ({@code SLURM_JOB_NODELIST}): names separated by commas, each
 * with bracket ranges that keep their zero padding: {@code node[01-03,07],login1} is
 * {@code node01, node02, node03, node07, login1}; several brackets in one name multiply
 * ({@code r[1-2]n[1-2]} is {@code r1n1, r1n2, r2n1, r2n2}).
 */
public final class SlurmNodeList {

  /** Longest list expanded; beyond that the list is refused rather than filling the heap. */
  static final int MAX_HOSTS = 100_000;

  private SlurmNodeList() {
  }

  /** The host names of {@code list}, in order; {@code source} names it in error messages. */
  public static List<String> expand(String list, String source) {
    if (list == null || list.isBlank()) {
      throw new TopologyException(source + " is empty");
    }
    List<String> out = new ArrayList<>();
    for (String item : splitOutsideBrackets(list.trim(), source)) {
      if (item.isEmpty()) {
        throw new TopologyException(source + ": empty host name in '" + list + "'");
      }
      List<String> names = new ArrayList<>();
      names.add("");
      int i = 0;
      while (i < item.length()) {
        int open = item.indexOf('[', i);
        String literal = open < 0 ? item.substring(i) : item.substring(i, open);
        names.replaceAll(n -> n + literal);
        if (open < 0) {
          break;
        }
        int close = item.indexOf(']', open);
        List<String> values = ranges(item.substring(open + 1, close), item, source);
        List<String> product = new ArrayList<>();
        for (String n : names) {
          for (String v : values) {
            product.add(n + v);
          }
        }
        checkSize(out.size() + product.size(), source);
        names = product;
        i = close + 1;
      }
      out.addAll(names);
      checkSize(out.size(), source);
    }
    return out;
  }

  /** Commas at bracket depth 0; unbalanced or nested brackets fail. */
  private static List<String> splitOutsideBrackets(String list, String source) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '[') {
        if (++depth > 1) {
          throw new TopologyException(source + ": nested '[' in '" + list + "'");
        }
      } else if (c == ']') {
        if (--depth < 0) {
          throw new TopologyException(source + ": ']' without '[' in '" + list + "'");
        }
      } else if (c == ',' && depth == 0) {
        items.add(list.substring(start, i).trim());
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new TopologyException(source + ": '[' without ']' in '" + list + "'");
    }
    items.add(list.substring(start).trim());
    return items;
  }

  /** {@code 01-03,07}: each bound keeps the width of the lower one when that one is zero-padded. */
  private static List<String> ranges(String body, String item, String source) {
    List<String> values = new ArrayList<>();
    for (String r : body.split(",", -1)) {
      String[] bounds = r.trim().split("-", -1);
      if (bounds.length > 2 || !isNumber(bounds[0]) || (bounds.length == 2 && !isNumber(bounds[1]))) {
        throw new TopologyException(source + ": bad range '" + r + "' in '" + item + "' (expected N or N-M)");
      }
      long lo = Long.parseLong(bounds[0]);
      long hi = bounds.length == 2 ? Long.parseLong(bounds[1]) : lo;
      if (hi < lo) {
        throw new TopologyException(source + ": range '" + r + "' in '" + item + "' goes down");
      }
      checkSize(values.size() + (hi - lo + 1), source);
      int width = bounds[0].length();
      for (long v = lo; v <= hi; v++) {
        String s = Long.toString(v);
        values.add(s.length() < width ? "0".repeat(width - s.length()) + s : s);
      }
    }
    return values;
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(Character::isDigit);
  }

  private static void checkSize(long n, String source) {
    if (n > MAX_HOSTS) {
      throw new TopologyException(source + " expands to more than " + MAX_HOSTS + " hosts");
    }
  }
}
