package io.offload.cache;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheOptionsTest {

  private static CacheOptions full() {
    return new CacheOptions().setMaxGroupSize(64).setWorldGroupId(9).setPersistentGroups(true).setRankAddresses(true);
  }

  private static final List<Consumer<CacheOptions>> ONE_FIELD_CHANGES = List.of(
      o -> o.setMaxGroupSize(65), o -> o.setWorldGroupId(10), o -> o.setPersistentGroups(false),
      o -> o.setRankAddresses(false));

  @Test
  void shouldStartWithTheDefaultConstants() {
    CacheOptions o = new CacheOptions();
    assertEquals(CacheOptions.DEFAULT_MAX_GROUP_SIZE, o.getMaxGroupSize());
    assertEquals(CacheOptions.DEFAULT_WORLD_GROUP_ID, o.getWorldGroupId());
    assertEquals(CacheOptions.DEFAULT_PERSISTENT_GROUPS, o.isPersistentGroups());
    assertEquals(CacheOptions.DEFAULT_RANK_ADDRESSES, o.isRankAddresses());
    assertEquals(o, new CacheOptions(new JsonObject()), "empty JSON: the defaults");
  }

  @Test
  void shouldReturnThisFromEverySetter() {
    CacheOptions o = new CacheOptions();
    assertSame(o, o.setMaxGroupSize(1));
    assertSame(o, o.setWorldGroupId(0));
    assertSame(o, o.setPersistentGroups(true));
    assertSame(o, o.setRankAddresses(true));
  }

  @Test
  void shouldRejectInvalidValuesWithTheReason() {
    CacheOptions o = new CacheOptions();
    assertReason("maxGroupSize must be >= 1, got 0", () -> o.setMaxGroupSize(0));
    assertReason("worldGroupId must be >= 0, got -1", () -> o.setWorldGroupId(-1));
    assertEquals(new CacheOptions(), o, "a rejected value leaves the options as they were");
    assertReason("worldGroupId must be >= 0, got -3",
        () -> new CacheOptions(new JsonObject().put("worldGroupId", -3)));
  }

  @Test
  void shouldCopyEveryField() {
    CacheOptions full = full();
    assertEquals(full, new CacheOptions(full));
    for (Consumer<CacheOptions> change : ONE_FIELD_CHANGES) {
      CacheOptions changed = new CacheOptions(full);
      change.accept(changed);
      assertEquals(full(), full, "changing a copy leaves the original");
      assertNotEquals(full, changed, "equals sees every field");
    }
  }

  @Test
  void shouldRoundTripAFullySetInstanceThroughJson() {
    CacheOptions full = full();
    JsonObject json = full.toJson();
    assertEquals(Set.of("maxGroupSize", "worldGroupId", "persistentGroups", "rankAddresses"), json.fieldNames());
    assertEquals(json.fieldNames(), CacheOptions.JSON_KEYS.keys());
    assertEquals(json, full.toJson(new JsonObject()));
    assertEquals(full, new CacheOptions(json));
    assertEquals(full, new CacheOptions(new JsonObject(json.encode())), "through the text form too");
    for (Consumer<CacheOptions> change : ONE_FIELD_CHANGES) {
      CacheOptions changed = new CacheOptions(full);
      change.accept(changed);
      assertNotEquals(json, changed.toJson(), "toJson writes every field");
      assertEquals(changed, new CacheOptions(changed.toJson()));
    }
  }

  @Test
  void shouldRejectAnUnknownKeyNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CacheOptions(new JsonObject().put("rankAddresses", true).put("maxGroupSizes", 5)));
    assertTrue(e.getMessage().contains("CacheOptions"), e.getMessage());
    assertTrue(e.getMessage().contains("'maxGroupSizes' (did you mean 'maxGroupSize'?)"), e.getMessage());
  }

  @Test
  void shouldRejectAValueOfTheWrongTypeNamingItsKey() {
    assertReason("CacheOptions JSON key 'maxGroupSize' must be an integer, got \"7\"",
        () -> new CacheOptions(new JsonObject().put("maxGroupSize", "7")));
    assertReason("CacheOptions JSON key 'persistentGroups' must be true or false, got \"true\"",
        () -> new CacheOptions(new JsonObject().put("persistentGroups", "true")));
    assertReason("CacheOptions JSON key 'worldGroupId' must be an integer, got null",
        () -> new CacheOptions(new JsonObject().putNull("worldGroupId")));
  }

  private static void assertReason(String reason, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
  }
}
