package io.offload.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Slurm's tasks per node ({@code SLURM_TASKS_PER_NODE}): counts separated by commas, each
 * optionally repeated: {@code 2(x3),1} is 2, 2, 2, 1 for four nodes in node-list order.
 */
public final class SlurmTasksPerNode {

  private SlurmTasksPerNode() {
  }

  /** The task count of each node, in order; {@code source} names it in error messages. */
  public static int[] parse(String value, String source) {
    if (value == null || value.isBlank()) {
      throw new TopologyException(source + " is empty");
    }
    List<Integer> counts = new ArrayList<>();
    for (String item : value.trim().split(",", -1)) {
      String t = item.trim();
      int repeat = 1;
      int paren = t.indexOf('(');
      if (paren >= 0) {
        if (!t.endsWith(")") || !t.startsWith("x", paren + 1)) {
          throw new TopologyException(source + ": bad item '" + t + "' in '" + value + "' (expected N or N(xR))");
        }
        repeat = number(t.substring(paren + 2, t.length() - 1), t, value, source);
        t = t.substring(0, paren);
      }
      int n = number(t, item.trim(), value, source);
      if (counts.size() + (long) repeat > SlurmNodeList.MAX_HOSTS) {
        throw new TopologyException(source + " covers more than " + SlurmNodeList.MAX_HOSTS + " nodes");
      }
      for (int r = 0; r < repeat; r++) {
        counts.add(n);
      }
    }
    return counts.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int number(String s, String item, String value, String source) {
    if (!s.isEmpty() && s.length() <= 9 && s.chars().allMatch(Character::isDigit) && Integer.parseInt(s) >= 1) {
      return Integer.parseInt(s);
    }
    throw new TopologyException(source + ": bad item '" + item + "' in '" + value + "' (expected N or N(xR), N >= 1)");
  }
}
