package io.offload.engine;

import io.offload.cache.CacheOptions;
import io.offload.topology.RankInfo;
import io.offload.ucx.UcxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineOptionsTest {

  /** Every field set, none to its default. */
  private static EngineOptions full() {
    return new EngineOptions().setName("e-1").setRankInfo(new RankInfo(2, 3, 8, 1, 4, 5))
        .setUcx(new UcxOptions().setSpinMicros(7).setYieldMicros(9).setBusyPoll(true))
        .setMaxInFlight(3).setMaxPending(4).setMaxQueued(5).setMaxPendingBytes(6)
        .setHeartbeatInterval(Duration.ofMillis(70)).setHeartbeatTimeout(Duration.ofMillis(800))
        .setMaxFrameLength(1000).setMaxAddressLength(200)
        .setCache(new CacheOptions().setMaxGroupSize(64).setWorldGroupId(9).setPersistentGroups(true)
            .setRankAddresses(true));
  }

  /** One change per field. */
  private static final List<Consumer<EngineOptions>> ONE_FIELD_CHANGES = List.of(
      o -> o.setName("e-2"), o -> o.setName(null), o -> o.setRankInfo(RankInfo.of(0, 0, 1)), o -> o.setRankInfo(null),
      o -> o.getUcx().setSpinMicros(8), o -> o.getUcx().setYieldMicros(10), o -> o.getUcx().setBusyPoll(false),
      o -> o.setMaxInFlight(4), o -> o.setMaxPending(5), o -> o.setMaxQueued(6), o -> o.setMaxPendingBytes(7),
      o -> o.setHeartbeatInterval(Duration.ofMillis(71)), o -> o.setHeartbeatTimeout(Duration.ofMillis(801)),
      o -> o.setMaxFrameLength(1001), o -> o.setMaxAddressLength(201), o -> o.getCache().setMaxGroupSize(65),
      o -> o.getCache().setWorldGroupId(10), o -> o.getCache().setPersistentGroups(false),
      o -> o.getCache().setRankAddresses(false));

  @Test
  void shouldStartWithTheDefaultConstants() {
    EngineOptions o = new EngineOptions();
    assertNull(o.getName());
    assertNull(o.getRankInfo());
    assertEquals(new UcxOptions(), o.getUcx());
    assertEquals(EngineOptions.DEFAULT_MAX_IN_FLIGHT, o.getMaxInFlight());
    assertEquals(EngineOptions.DEFAULT_MAX_PENDING, o.getMaxPending());
    assertEquals(EngineOptions.DEFAULT_MAX_QUEUED, o.getMaxQueued());
    assertEquals(EngineOptions.DEFAULT_MAX_PENDING_BYTES, o.getMaxPendingBytes());
    assertEquals(EngineOptions.DEFAULT_HEARTBEAT_INTERVAL, o.getHeartbeatInterval());
    assertEquals(EngineOptions.DEFAULT_HEARTBEAT_TIMEOUT, o.getHeartbeatTimeout());
    assertEquals(EngineOptions.DEFAULT_MAX_FRAME_LENGTH, o.getMaxFrameLength());
    assertEquals(EngineOptions.DEFAULT_MAX_ADDRESS_LENGTH, o.getMaxAddressLength());
    assertEquals(new CacheOptions(), o.getCache());
    assertEquals(o, new EngineOptions(new JsonObject()), "empty JSON: the defaults");
  }

  @Test
  void shouldReturnThisFromEverySetter() {
    EngineOptions o = new EngineOptions();
    assertSame(o, o.setName("n"));
    assertSame(o, o.setRankInfo(RankInfo.of(0, 0, 1)));
    assertSame(o, o.setUcx(new UcxOptions()));
    assertSame(o, o.setMaxInFlight(1));
    assertSame(o, o.setMaxPending(0));
    assertSame(o, o.setMaxQueued(1));
    assertSame(o, o.setMaxPendingBytes(0));
    assertSame(o, o.setHeartbeatInterval(Duration.ofMillis(1)));
    assertSame(o, o.setHeartbeatTimeout(Duration.ofMillis(1)));
    assertSame(o, o.setMaxFrameLength(64));
    assertSame(o, o.setMaxAddressLength(16));
    assertSame(o, o.setCache(new CacheOptions()));
  }

  @Test
  void shouldRejectInvalidValuesWithTheReason() {
    EngineOptions o = new EngineOptions();
    assertReason("engine name may only hold", () -> o.setName("a b"));
    assertReason("ucx options must not be null", () -> o.setUcx(null));
    assertReason("maxInFlight must be >= 1, got 0", () -> o.setMaxInFlight(0));
    assertReason("maxPending must be >= 0, got -1", () -> o.setMaxPending(-1));
    assertReason("maxQueued must be >= 1, got 0", () -> o.setMaxQueued(0));
    assertReason("maxPendingBytes must be >= 0, got -1", () -> o.setMaxPendingBytes(-1));
    assertReason("heartbeatInterval must be >= 1 ms", () -> o.setHeartbeatInterval(Duration.ZERO));
    assertReason("heartbeatInterval must be >= 1 ms", () -> o.setHeartbeatInterval(null));
    assertReason("heartbeatTimeout must be >= 1 ms", () -> o.setHeartbeatTimeout(Duration.ofNanos(999_999)));
    assertReason("maxFrameLength must be >= 64, got 63", () -> o.setMaxFrameLength(63));
    assertReason("maxAddressLength must be >= 16, got 15", () -> o.setMaxAddressLength(15));
    assertReason("cache options must not be null", () -> o.setCache(null));
    assertEquals(new EngineOptions(), o, "a rejected value leaves the options as they were");
    assertReason("maxInFlight must be >= 1, got 0", () -> new EngineOptions(new JsonObject().put("maxInFlight", 0)));
    assertReason("maxGroupSize must be >= 1, got 0", () -> new EngineOptions(new JsonObject().put("maxGroupSize", 0)));
    assertReason("progressSpinMicros must be >= 0, got -1",
        () -> new EngineOptions(new JsonObject().put("progressSpinMicros", -1)));
    assertReason("groupSize must be >= 1, got 0",
        () -> new EngineOptions(new JsonObject().put("rankInfo", new JsonObject().put("groupSize", 0))));
  }

  @Test
  void shouldCopyEveryFieldDeeply() {
    EngineOptions full = full();
    EngineOptions copy = new EngineOptions(full);
    assertEquals(full, copy);
    assertEquals(full.toJson(), copy.toJson());
    assertNotSame(full.getUcx(), copy.getUcx());
    copy.getUcx().setSpinMicros(1);
    assertEquals(7, full.getUcx().getSpinMicros(), "the copy's UCX options are its own");
    assertNotSame(full.getCache(), copy.getCache());
    copy.getCache().setMaxGroupSize(1);
    assertEquals(64, full.getCache().getMaxGroupSize(), "the copy's cache options are its own");
    for (Consumer<EngineOptions> change : ONE_FIELD_CHANGES) {
      EngineOptions changed = new EngineOptions(full);
      change.accept(changed);
      assertEquals(full(), full, "changing a copy leaves the original");
      assertNotEquals(full, changed, "equals sees every field");
    }
  }

  @Test
  void shouldRoundTripAFullySetInstanceThroughJson() {
    EngineOptions full = full();
    JsonObject json = full.toJson();
    assertEquals(Set.of("name", "rankInfo", "maxInFlight", "maxPending", "maxQueued", "maxPendingBytes",
        "heartbeatIntervalMs", "heartbeatTimeoutMs", "maxFrameLength", "maxAddressLength", "maxGroupSize",
        "worldGroupId", "persistentGroups", "rankAddresses", "busyPoll",
        "progressSpinMicros", "progressYieldMicros"), json.fieldNames());
    assertEquals(full, new EngineOptions(json));
    assertEquals(full, new EngineOptions(new JsonObject(json.encode())), "through the text form too");
    assertEquals(new EngineOptions(), new EngineOptions(new EngineOptions().toJson()));
    for (Consumer<EngineOptions> change : ONE_FIELD_CHANGES) {
      EngineOptions changed = new EngineOptions(full);
      change.accept(changed);
      assertNotEquals(json, changed.toJson(), "toJson writes every field");
      assertEquals(changed, new EngineOptions(changed.toJson()));
    }
  }

  @Test
  void shouldRejectAnUnknownKeyNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EngineOptions(new JsonObject().put("name", "x").put("maxInflight", 4)));
    assertTrue(e.getMessage().contains("EngineOptions"), e.getMessage());
    assertTrue(e.getMessage().contains("'maxInflight' (did you mean 'maxInFlight'?)"), e.getMessage());
    assertTrue(e.getMessage().contains("progressSpinMicros"), "lists the UCX keys too: " + e.getMessage());
    assertReason("'rnak'", () -> new EngineOptions(new JsonObject().put("rankInfo", new JsonObject().put("rnak", 0))));
  }

  @Test
  void shouldRejectAValueOfTheWrongTypeNamingItsKey() {
    assertReason("EngineOptions JSON key 'maxInFlight' must be an integer, got \"8\"",
        () -> new EngineOptions(new JsonObject().put("maxInFlight", "8")));
    assertReason("EngineOptions JSON key 'maxInFlight' must be an integer, got 8.5",
        () -> new EngineOptions(new JsonObject().put("maxInFlight", 8.5)));
    assertReason("EngineOptions JSON key 'maxFrameLength' must be an integer in [-2147483648, 2147483647], got "
        + "4294967360", () -> new EngineOptions(new JsonObject().put("maxFrameLength", (1L << 32) + 64)));
    assertReason("EngineOptions JSON key 'maxPendingBytes' must be an integer, got null",
        () -> new EngineOptions(new JsonObject().putNull("maxPendingBytes")));
    assertReason("CacheOptions JSON key 'persistentGroups' must be true or false, got \"yes\"",
        () -> new EngineOptions(new JsonObject().put("persistentGroups", "yes")));
    assertReason("EngineOptions JSON key 'name' must be a string, got 5",
        () -> new EngineOptions(new JsonObject().put("name", 5)));
    assertReason("EngineOptions JSON key 'rankInfo' must be a JSON object, got 5",
        () -> new EngineOptions(new JsonObject().put("rankInfo", 5)));
    assertReason("RankInfo JSON key 'rank' must be an integer, got \"0\"",
        () -> new EngineOptions(new JsonObject().put("rankInfo", new JsonObject().put("rank", "0"))));
    assertReason("UcxOptions JSON key 'busyPoll' must be true or false, got 1",
        () -> new EngineOptions(new JsonObject().put("busyPoll", 1)));
    assertEquals(8, new EngineOptions(new JsonObject().put("maxInFlight", 8.0)).getMaxInFlight(), "8.0 is a whole 8");
    assertEquals(new EngineOptions(), new EngineOptions(new JsonObject().putNull("name").putNull("rankInfo")),
        "null where null is a value: as if absent");
  }

  @Test
  void shouldReadTheEngineOfEveryShippedVerticleConfig() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("verticles"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).toList();
    }
    int engines = 0;
    for (Path f : files) {
      JsonObject conf = new JsonObject(Files.readString(f));
      if (conf.containsKey("engine")) {
        EngineOptions o = new EngineOptions(conf.getJsonObject("engine"));
        assertEquals(o, new EngineOptions(o.toJson()), f.toString());
        engines++;
      }
    }
    assertFalse(engines == 0, "no verticle config with an engine in " + files);
  }

  static void assertReason(String reason, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
  }
}
