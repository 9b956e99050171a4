package io.offload.cache;

/** What adding a cache entry did ({@link GroupCache#add}; the cache's tables report the same). */
public enum EntryOutcome {
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
