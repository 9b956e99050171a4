package io.offload.cache;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A read-only, ascending list of ints (ranks, service-process ids, host ids) that the cache
 * builds once and lends out: reading it allocates nothing.
 *
 * <p>Immutable; thread safe.
 */
public final class IntView {

  /** The empty view. */
  public static final IntView EMPTY = new IntView(new int[0], 0, 0);

  private final int[] values;
  private final int from;
  private final int to;

  /** A view of {@code values[from, to)}, which must be sorted ascending and never change. */
  public IntView(int[] values, int from, int to) {
    if (from < 0 || to < from || to > values.length) {
      throw new IllegalArgumentException("bad range [" + from + ", " + to + ") of " + values.length);
    }
    this.values = values;
    this.from = from;
    this.to = to;
  }

  public int size() {
    return to - from;
  }

  public boolean isEmpty() {
    return to == from;
  }

  /** The {@code i}-th value, {@code 0 <= i < size()}. */
  public int get(int i) {
    if (i < 0 || i >= to - from) {
      throw new IndexOutOfBoundsException("index " + i + " of " + (to - from));
    }
    return values[from + i];
  }

  /** Binary search: O(log n). */
  public boolean contains(int value) {
    return Arrays.binarySearch(values, from, to, value) >= 0;
  }

  /** Position of {@code value} in this view, or -1: binary search, O(log n), allocation-free. */
  public int indexOf(int value) {
    int i = Arrays.binarySearch(values, from, to, value);
    return i < 0 ? -1 : i - from;
  }

  /** A copy. */
  public int[] toArray() {
    return Arrays.copyOfRange(values, from, to);
  }

  public IntStream stream() {
    return Arrays.stream(values, from, to);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IntView v && Arrays.equals(values, from, to, v.values, v.from, v.to);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + values[i];
    }
    return h;
  }

  @Override
  public String toString() {
    return Arrays.toString(toArray());
  }
}
