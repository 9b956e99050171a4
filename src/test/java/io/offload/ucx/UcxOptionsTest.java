package io.offload.ucx;

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

class UcxOptionsTest {

  private static UcxOptions full() {
    return new UcxOptions().setSpinMicros(7).setYieldMicros(9).setBusyPoll(true);
  }

  private static final List<Consumer<UcxOptions>> ONE_FIELD_CHANGES = List.of(
      o -> o.setSpinMicros(8), o -> o.setYieldMicros(10), o -> o.setBusyPoll(false));

  @Test
  void shouldStartWithTheDefaultConstants() {
    UcxOptions o = new UcxOptions();
    assertEquals(UcxOptions.DEFAULT_SPIN_MICROS, o.getSpinMicros());
    assertEquals(UcxOptions.DEFAULT_YIELD_MICROS, o.getYieldMicros());
    assertEquals(UcxOptions.DEFAULT_BUSY_POLL, o.isBusyPoll());
    assertEquals(o, new UcxOptions(new JsonObject()), "empty JSON: the defaults");
  }

  @Test
  void shouldReturnThisFromEverySetter() {
    UcxOptions o = new UcxOptions();
    assertSame(o, o.setSpinMicros(0));
    assertSame(o, o.setYieldMicros(0));
    assertSame(o, o.setBusyPoll(true));
  }

  @Test
  void shouldRejectInvalidValuesWithTheReason() {
    UcxOptions o = new UcxOptions();
    assertReason("progressSpinMicros must be >= 0, got -1", () -> o.setSpinMicros(-1));
    assertReason("progressYieldMicros must be >= 0, got -2", () -> o.setYieldMicros(-2));
    assertEquals(new UcxOptions(), o, "a rejected value leaves the options as they were");
    assertReason("progressYieldMicros must be >= 0, got -3",
        () -> new UcxOptions(new JsonObject().put("progressYieldMicros", -3)));
  }

  @Test
  void shouldCopyEveryField() {
    UcxOptions full = full();
    assertEquals(full, new UcxOptions(full));
    for (Consumer<UcxOptions> change : ONE_FIELD_CHANGES) {
      UcxOptions changed = new UcxOptions(full);
      change.accept(changed);
      assertEquals(full(), full, "changing a copy leaves the original");
      assertNotEquals(full, changed, "equals sees every field");
    }
  }

  @Test
  void shouldRoundTripAFullySetInstanceThroughJson() {
    UcxOptions full = full();
    JsonObject json = full.toJson();
    assertEquals(Set.of("busyPoll", "progressSpinMicros", "progressYieldMicros"), json.fieldNames());
    assertEquals(json.fieldNames(), UcxOptions.JSON_KEYS.keys());
    assertEquals(json, full.toJson(new JsonObject()));
    assertEquals(full, new UcxOptions(json));
    assertEquals(full, new UcxOptions(new JsonObject(json.encode())), "through the text form too");
    for (Consumer<UcxOptions> change : ONE_FIELD_CHANGES) {
      UcxOptions changed = new UcxOptions(full);
      change.accept(changed);
      assertNotEquals(json, changed.toJson(), "toJson writes every field");
      assertEquals(changed, new UcxOptions(changed.toJson()));
    }
  }

  @Test
  void shouldRejectAnUnknownKeyNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new UcxOptions(new JsonObject().put("busyPoll", true).put("progressSpinMicro", 5)));
    assertTrue(e.getMessage().contains("UcxOptions"), e.getMessage());
    assertTrue(e.getMessage().contains("'progressSpinMicro' (did you mean 'progressSpinMicros'?)"), e.getMessage());
  }

  @Test
  void shouldRejectAValueOfTheWrongTypeNamingItsKey() {
    assertReason("UcxOptions JSON key 'progressSpinMicros' must be an integer, got \"7\"",
        () -> new UcxOptions(new JsonObject().put("progressSpinMicros", "7")));
    assertReason("UcxOptions JSON key 'busyPoll' must be true or false, got \"true\"",
        () -> new UcxOptions(new JsonObject().put("busyPoll", "true")));
    assertReason("UcxOptions JSON key 'progressYieldMicros' must be an integer, got null",
        () -> new UcxOptions(new JsonObject().putNull("progressYieldMicros")));
    assertEquals(1L << 40, new UcxOptions(new JsonObject().put("progressSpinMicros", 1L << 40)).getSpinMicros(),
        "a long stays whole");
  }

  private static void assertReason(String reason, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
  }
}
