package io.offload.notify.impl;

import java.util.ArrayDeque;

/**
 * Channels by id, for the arrival path: a lookup is an array read, no hashing, no boxing. An id
 * is a slot (low bits) plus a generation (high bits), so a slot freed by a closed channel can be
 * reused and a late message for the old channel still finds no match. Memory follows the channels
 * open at once, not how many ever were.
 *
 * <p>Thread safety: {@link #add} and {@link #remove} are synchronized; {@link #get} reads a
 * volatile array from the progress thread without a lock.
 */
final class ChannelTable<O> {

  static final int SLOT_BITS = 20;
  private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
  private static final int MAX_GENERATION = (1 << (31 - SLOT_BITS)) - 1;

  private volatile Channel<?>[] slots = new Channel<?>[16];
  private int[] generations = new int[16];
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private int used = 1; // slot 0 unused: id 0 never names a channel
  private int size;

  /** Reserves an id for a new channel; {@link #add} then publishes the channel under it. */
  synchronized int reserve() {
    int slot;
    if (!free.isEmpty()) {
      slot = free.pop(); // the slot freed last: its array entry is likely still in cache
    } else if (used <= SLOT_MASK) {
      slot = used++;
    } else {
      throw new IllegalStateException("more than " + SLOT_MASK + " channels open at once");
    }
    if (slot >= generations.length) {
      generations = java.util.Arrays.copyOf(generations, Math.max(generations.length * 2, slot + 1));
    }
    int gen = generations[slot] = generations[slot] == MAX_GENERATION ? 1 : generations[slot] + 1;
    return (gen << SLOT_BITS) | slot;
  }

  synchronized void add(Channel<O> ch) {
    int slot = ch.id() & SLOT_MASK;
    Channel<?>[] s = slots;
    if (slot >= s.length) {
      Channel<?>[] grown = new Channel<?>[Math.max(s.length * 2, slot + 1)];
      System.arraycopy(s, 0, grown, 0, s.length);
      s = grown;
    } else {
      s = s.clone(); // copy on write: the progress thread reads without a lock
    }
    s[slot] = ch;
    slots = s;
    size++;
  }

  synchronized void remove(Channel<O> ch) {
    int slot = ch.id() & SLOT_MASK;
    Channel<?>[] s = slots;
    if (slot < s.length && s[slot] == ch) {
      s = s.clone();
      s[slot] = null;
      slots = s;
      free.push(slot);
      size--;
    }
  }

  /** The channel with this id, or null (never was, closed, or an older generation). */
  @SuppressWarnings("unchecked") // only add() writes the array, with Channel<O>
  Channel<O> get(int id) {
    Channel<?>[] s = slots;
    int slot = id & SLOT_MASK;
    if (id <= 0 || slot >= s.length) {
      return null;
    }
    Channel<O> ch = (Channel<O>) s[slot];
    return ch != null && ch.id() == id ? ch : null;
  }

  synchronized int size() {
    return size;
  }

  /** A snapshot for gauges. */
  Channel<?>[] snapshot() {
    return slots;
  }
}
