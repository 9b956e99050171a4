package io.offload.cache.impl;

/** What a {@link CacheTables#put} did. */
public enum Outcome {
  /** A new entry. */
  ADDED,
  /** An existing entry got new values. */
  CHANGED,
  /** The same entry again. */
  UNCHANGED,
  /** The entry belongs to an older (or revoked) sequence number: ignored. */
  STALE,
  /** The entry disagrees with the group (its size): ignored. */
  CONFLICT,
  /** The entry's group is larger than the configured maximum group size: ignored. */
  TOO_LARGE,
  /** The entry made the group whole. */
  COMPLETED
}
