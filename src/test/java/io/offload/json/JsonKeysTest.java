package io.offload.json;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonKeysTest {

  private final JsonKeys keys = JsonKeys.of(JsonKeysTest.class, "maxInFlight", "port", "host");

  @Test
  void shouldAcceptKnownKeysAndAnEmptyObject() {
    JsonObject json = new JsonObject().put("port", 1).put("host", "h");
    assertSame(json, keys.check(json));
    keys.check(new JsonObject());
  }

  @Test
  void shouldRejectAMisspeltKeyNamingItTheClassAndTheKeyMeant() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> keys.check(new JsonObject().put("port", 1).put("maxInflight", 4)));
    assertEquals("unknown JsonKeysTest JSON key 'maxInflight' (did you mean 'maxInFlight'?); "
        + "known keys: host, maxInFlight, port", e.getMessage());
  }

  @Test
  void shouldRejectAnUnrelatedKeyWithoutSuggestingAny() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> keys.check(new JsonObject().put("colour", "red")));
    assertTrue(e.getMessage().startsWith("unknown JsonKeysTest JSON key 'colour'; known keys: "), e.getMessage());
  }

  @Test
  void shouldSuggestAKeyTwoEditsAwayButNotThree() {
    assertTrue(message("hots").contains("did you mean 'host'?"), message("hots"));
    assertFalse(message("xyzt").contains("did you mean"), message("xyzt"));
  }

  @Test
  void shouldCombineKeysAndSelectTheNestedOnes() {
    JsonKeys nested = JsonKeys.of(String.class, "busyPoll");
    JsonKeys all = keys.with(nested);
    JsonObject json = new JsonObject().put("port", 1).put("busyPoll", true);
    all.check(json);
    assertEquals(new JsonObject().put("busyPoll", true), nested.select(json));
    assertThrows(IllegalArgumentException.class, () -> keys.check(json));
    assertTrue(message(all, "nope").startsWith("unknown JsonKeysTest JSON key"), "owner kept by with()");
  }

  private String message(String key) {
    return message(keys, key);
  }

  private static String message(JsonKeys k, String key) {
    return assertThrows(IllegalArgumentException.class, () -> k.check(new JsonObject().put(key, 0))).getMessage();
  }
}
