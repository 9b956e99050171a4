package io.offload.cli;

import java.util.ArrayDeque;

/** The last {@code n} lines a child wrote, for a report when it is stuck. Thread safe. */
final class LastLines {

  private final int n;
  private final ArrayDeque<String> lines;

  LastLines(int n) {
    this.n = n;
    this.lines = new ArrayDeque<>(n);
  }

  synchronized void add(String line) {
    if (lines.size() == n) {
      lines.removeFirst();
    }
    lines.addLast(line);
  }

  @Override
  public synchronized String toString() {
    return String.join("\n", lines);
  }
}
