package io.offload.ops.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * The pulls this service process asked other service processes for: each holds an inbound slot
 * until its chunk has been got and put. Indexed (with a generation, so that an answer to a pull
 * given up meanwhile is recognised) by the id the PULL message carries.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class Pulls {

  static final class Pull {
    final int index;
    int generation;
    Block block;
    int offset;
    int length;
    int slot = -1;
    boolean answered;

    Pull(int index) {
      this.index = index;
    }
  }

  private final List<Pull> table = new ArrayList<>();
  private final List<Pull> free = new ArrayList<>();

  Pull add(Block block, int offset, int length, int slot) {
    Pull p = free.isEmpty() ? newPull() : free.remove(free.size() - 1);
    p.block = block;
    p.offset = offset;
    p.length = length;
    p.slot = slot;
    p.answered = false;
    return p;
  }

  private Pull newPull() {
    Pull p = new Pull(table.size());
    table.add(p);
    return p;
  }

  /** The pull a READY names, or null if it was given up (or never existed). */
  Pull find(int index, int generation) {
    if (index < 0 || index >= table.size()) {
      return null;
    }
    Pull p = table.get(index);
    return p.block != null && p.generation == generation ? p : null;
  }

  void free(Pull p) {
    p.block = null;
    p.slot = -1;
    p.generation++;
    free.add(p);
  }

  /** Pulls not answered yet, whose round or source matches: to give up. */
  List<Pull> unanswered(java.util.function.Predicate<Pull> which) {
    List<Pull> out = new ArrayList<>();
    for (Pull p : table) {
      if (p.block != null && !p.answered && which.test(p)) {
        out.add(p);
      }
    }
    return out;
  }

  int inUse() {
    return table.size() - free.size();
  }
}
