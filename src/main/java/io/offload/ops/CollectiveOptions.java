package io.offload.ops;

import io.offload.json.JsonKeys;
import io.vertx.core.json.JsonObject;

/**
 * How a service process moves the bytes of offloaded collectives ({@link Operations#serveCollectives}).
 * Data go through a staging region of {@link #getStagingBytes()} bytes registered with UCX (once, at
 * the first collective), cut into slots of {@link #getChunkBytes()}: one third for rank-to-rank
 * moves within this service process, one third for what other service processes pull from here,
 * one third for what this one pulls from them. More slots mean more transfers in flight.
 *
 * <p>JSON keys: {@code stagingBytes}, {@code chunkBytes}, {@code groupWaitMs}. The JSON constructor
 * rejects any other key.
 */
public final class CollectiveOptions {

  /** Default staging region: 24 MiB (64 slots of 128 KiB per third). */
  public static final int DEFAULT_STAGING_BYTES = 24 << 20;
  /** Default slot (largest single transfer): 128 KiB. */
  public static final int DEFAULT_CHUNK_BYTES = 128 << 10;
  /** How long a collective waits for its group to be complete in this service process's cache: 30 s. */
  public static final long DEFAULT_GROUP_WAIT_MS = 30_000;

  public static final JsonKeys JSON_KEYS = JsonKeys.of(CollectiveOptions.class, "stagingBytes", "chunkBytes",
      "groupWaitMs");

  private int stagingBytes = DEFAULT_STAGING_BYTES;
  private int chunkBytes = DEFAULT_CHUNK_BYTES;
  private long groupWaitMs = DEFAULT_GROUP_WAIT_MS;

  public CollectiveOptions() {
  }

  public CollectiveOptions(CollectiveOptions other) {
    this.stagingBytes = other.stagingBytes;
    this.chunkBytes = other.chunkBytes;
    this.groupWaitMs = other.groupWaitMs;
  }

  /**
   * Reads the keys above; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException on an invalid value or an unknown key
   */
  public CollectiveOptions(JsonObject json) {
    JSON_KEYS.check(json);
    int staging = JSON_KEYS.getInt(json, "stagingBytes", DEFAULT_STAGING_BYTES);
    setStagingBytes(Math.max(staging, 3 * DEFAULT_CHUNK_BYTES)); // the pair is checked together below
    setChunkBytes(JSON_KEYS.getInt(json, "chunkBytes", DEFAULT_CHUNK_BYTES));
    setStagingBytes(staging);
    setGroupWaitMs(JSON_KEYS.getLong(json, "groupWaitMs", DEFAULT_GROUP_WAIT_MS));
  }

  public JsonObject toJson() {
    return new JsonObject().put("stagingBytes", stagingBytes).put("chunkBytes", chunkBytes)
        .put("groupWaitMs", groupWaitMs);
  }

  public int getStagingBytes() {
    return stagingBytes;
  }

  /** Size of the staging region: at least 3 slots ({@code 3 * chunkBytes}). */
  public CollectiveOptions setStagingBytes(int stagingBytes) {
    if (stagingBytes < 3L * chunkBytes) {
      throw new IllegalArgumentException("stagingBytes must hold 3 slots of chunkBytes (" + 3L * chunkBytes
          + "), got " + stagingBytes);
    }
    this.stagingBytes = stagingBytes;
    return this;
  }

  public int getChunkBytes() {
    return chunkBytes;
  }

  /**
   * Largest single transfer, in [4096, 64 MiB]; the staging region must still hold 3 of them (to
   * raise both, raise {@link #setStagingBytes} first).
   */
  public CollectiveOptions setChunkBytes(int chunkBytes) {
    if (chunkBytes < 4096 || chunkBytes > (64 << 20)) {
      throw new IllegalArgumentException("chunkBytes must be in [4096, " + (64 << 20) + "], got " + chunkBytes);
    }
    if (3L * chunkBytes > stagingBytes) {
      throw new IllegalArgumentException("chunkBytes " + chunkBytes + " leaves fewer than 3 slots in stagingBytes "
          + stagingBytes);
    }
    this.chunkBytes = chunkBytes;
    return this;
  }

  public long getGroupWaitMs() {
    return groupWaitMs;
  }

  /** How long a collective waits for its group to be whole in the cache, in ms ({@code >= 1}). */
  public CollectiveOptions setGroupWaitMs(long groupWaitMs) {
    if (groupWaitMs < 1) {
      throw new IllegalArgumentException("groupWaitMs must be >= 1, got " + groupWaitMs);
    }
    this.groupWaitMs = groupWaitMs;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CollectiveOptions c && c.stagingBytes == stagingBytes && c.chunkBytes == chunkBytes
        && c.groupWaitMs == groupWaitMs;
  }

  @Override
  public int hashCode() {
    return (stagingBytes * 31 + chunkBytes) * 31 + Long.hashCode(groupWaitMs);
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
