package io.offload.engine;

import io.offload.cache.CacheOptions;
import io.offload.json.JsonKeys;
import io.offload.topology.RankInfo;
import io.offload.ucx.UcxOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

import static io.offload.engine.EngineOptions.*;

/**
 * The JSON form of {@link EngineOptions}, in the Vert.x codegen pattern ({@code fromJson} / {@code toJson}):
 * kept apart so the options class holds only its fields and their rules. Reads go through the setters,
 * so a JSON value is validated exactly like a set one.
 *
 * <p>Thread safety: stateless.
 */
final class EngineOptionsConverter {

  // Every key an EngineOptions object may hold: its own, UcxOptions' and CacheOptions' (they share one object).
  private static final JsonKeys KEYS = JsonKeys.of(EngineOptions.class, "name", "rankInfo", "maxInFlight",
      "maxPending", "maxQueued", "maxPendingBytes", "heartbeatIntervalMs", "heartbeatTimeoutMs", "maxFrameLength",
      "maxAddressLength").with(UcxOptions.JSON_KEYS).with(CacheOptions.JSON_KEYS);

  private EngineOptionsConverter() {
  }

  /** Sets on {@code o} every key present; rejects an unknown key before any is set. */
  static void fromJson(JsonObject json, EngineOptions o) {
    KEYS.check(json);
    JsonObject rank = KEYS.getObject(json, "rankInfo");
    if (rank != null) {
      o.setRankInfo(new RankInfo(rank));
    }
    o.setName(KEYS.getString(json, "name", null));
    o.setMaxInFlight(KEYS.getInt(json, "maxInFlight", DEFAULT_MAX_IN_FLIGHT));
    o.setMaxPending(KEYS.getInt(json, "maxPending", DEFAULT_MAX_PENDING));
    o.setMaxQueued(KEYS.getInt(json, "maxQueued", DEFAULT_MAX_QUEUED));
    o.setHeartbeatInterval(Duration.ofMillis(KEYS.getLong(json, "heartbeatIntervalMs",
        DEFAULT_HEARTBEAT_INTERVAL.toMillis())));
    o.setHeartbeatTimeout(Duration.ofMillis(KEYS.getLong(json, "heartbeatTimeoutMs",
        DEFAULT_HEARTBEAT_TIMEOUT.toMillis())));
    o.setMaxFrameLength(KEYS.getInt(json, "maxFrameLength", DEFAULT_MAX_FRAME_LENGTH));
    o.setMaxAddressLength(KEYS.getInt(json, "maxAddressLength", DEFAULT_MAX_ADDRESS_LENGTH));
    o.setCache(new CacheOptions(CacheOptions.JSON_KEYS.select(json)));
    o.setUcx(new UcxOptions(UcxOptions.JSON_KEYS.select(json)));
    o.setMaxPendingBytes(KEYS.getLong(json, "maxPendingBytes", DEFAULT_MAX_PENDING_BYTES));
  }

  /** Puts every field of {@code o} into {@code j}; the adopted UCX objects are not configuration and stay out. */
  static void toJson(EngineOptions o, JsonObject j) {
    j.put("maxInFlight", o.getMaxInFlight()).put("maxPending", o.getMaxPending()).put("maxQueued", o.getMaxQueued())
        .put("heartbeatIntervalMs", o.getHeartbeatInterval().toMillis())
        .put("heartbeatTimeoutMs", o.getHeartbeatTimeout().toMillis())
        .put("maxFrameLength", o.getMaxFrameLength()).put("maxAddressLength", o.getMaxAddressLength())
        .put("maxPendingBytes", o.getMaxPendingBytes());
    o.getUcx().toJson(j);
    o.getCache().toJson(j);
    if (o.getRankInfo() != null) {
      j.put("rankInfo", o.getRankInfo().toJson());
    }
    if (o.getName() != null) {
      j.put("name", o.getName());
    }
  }
}
