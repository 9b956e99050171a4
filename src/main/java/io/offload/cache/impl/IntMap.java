package io.offload.cache.impl;

import java.util.Arrays;

/**
 * An immutable map from int keys to values, open addressing: {@link #get} boxes nothing and
 * allocates nothing. Changes return a new map (copy-on-write), for data that is read on every
 * lookup and changed rarely (the set of groups, for example).
 *
 * <p>Immutable; thread safe when published through a volatile field.
 */
final class IntMap<V> {

  private static final IntMap<?> EMPTY = new IntMap<>(new int[2], new Object[2], 0);

  private final int[] keys;
  private final Object[] values; // null = free slot
  private final int size;

  private IntMap(int[] keys, Object[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <V> IntMap<V> empty() {
    return (IntMap<V>) EMPTY;
  }

  /** A map of {@code keys[i] -> values[i]}, keys distinct: O(n), unlike n calls of {@link #with}. */
  static <V> IntMap<V> of(int[] keys, V[] values) {
    int capacity = 2;
    while (keys.length * 2 > capacity) {
      capacity *= 2;
    }
    IntMap<V> m = new IntMap<>(new int[capacity], new Object[capacity], keys.length);
    for (int i = 0; i < keys.length; i++) {
      m.insert(keys[i], values[i]);
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  V get(int key) {
    int mask = keys.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      Object v = values[i];
      if (v == null) {
        return null;
      }
      if (keys[i] == key) {
        return (V) v;
      }
    }
  }

  int size() {
    return size;
  }

  /** Bytes held: the two arrays, and a boxed value each for values that are {@code Integer}s above the cache. */
  long bytes() {
    long b = 32 + 8L * keys.length;
    for (Object v : values) {
      if (v instanceof Integer i && (i < -128 || i > 127)) {
        b += 16;
      }
    }
    return b;
  }

  /** A map with {@code key} bound to {@code value} (not null). */
  IntMap<V> with(int key, V value) {
    boolean present = get(key) != null;
    int newSize = present ? size : size + 1;
    int capacity = keys.length;
    while (newSize * 2 > capacity) {
      capacity *= 2;
    }
    IntMap<V> copy = new IntMap<>(new int[capacity], new Object[capacity], newSize);
    for (int i = 0; i < keys.length; i++) {
      if (values[i] != null && keys[i] != key) {
        copy.insert(keys[i], values[i]);
      }
    }
    copy.insert(key, value);
    return copy;
  }

  /** A map without {@code key}. */
  IntMap<V> without(int key) {
    if (get(key) == null) {
      return this;
    }
    IntMap<V> copy = new IntMap<>(new int[keys.length], new Object[keys.length], size - 1);
    for (int i = 0; i < keys.length; i++) {
      if (values[i] != null && keys[i] != key) {
        copy.insert(keys[i], values[i]);
      }
    }
    return copy;
  }

  /** The keys, ascending. */
  int[] keys() {
    int[] out = new int[size];
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (values[i] != null) {
        out[n++] = keys[i];
      }
    }
    Arrays.sort(out);
    return out;
  }

  private void insert(int key, Object value) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (values[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
  }

  private static int mix(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
