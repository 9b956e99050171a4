package io.offload.json;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

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

  @Test
  void shouldReadWholeNumbersInRangeAndNothingElse() {
    JsonObject j = new JsonObject("{\"a\": 7, \"b\": 7.0, \"c\": 7.5, \"d\": 99999999999999999999, \"e\": \"7\","
        + " \"f\": null, \"g\": 4294967296, \"h\": -2147483648, \"i\": 1e3}");
    assertEquals(7, keys.getInt(j, "a", 0));
    assertEquals(7, keys.getInt(j, "b", 0), "a whole number written with a fraction part");
    assertEquals(1000, keys.getInt(j, "i", 0));
    assertEquals(Integer.MIN_VALUE, keys.getInt(j, "h", 0));
    assertEquals(5, keys.getInt(j, "absent", 5));
    assertEquals(1L << 32, keys.getLong(j, "g", 0));
    assertEquals("JsonKeysTest JSON key 'c' must be an integer, got 7.5", wrong(() -> keys.getInt(j, "c", 0)));
    assertEquals("JsonKeysTest JSON key 'g' must be an integer in [-2147483648, 2147483647], got 4294967296",
        wrong(() -> keys.getInt(j, "g", 0)));
    assertEquals("JsonKeysTest JSON key 'd' must be an integer in [-9223372036854775808, 9223372036854775807], got "
        + "99999999999999999999", wrong(() -> keys.getLong(j, "d", 0)));
    assertEquals("JsonKeysTest JSON key 'e' must be an integer, got \"7\"", wrong(() -> keys.getInt(j, "e", 0)));
    assertEquals("JsonKeysTest JSON key 'f' must be an integer, got null", wrong(() -> keys.getLong(j, "f", 0)));
    assertEquals("JsonKeysTest JSON key 'n' must be an integer, got NaN",
        wrong(() -> keys.getInt(new JsonObject().put("n", Double.NaN), "n", 0)));
  }

  @Test
  void shouldReadBooleansStringsObjectsAndEnumConstantsOrSayWhatIsWrong() {
    JsonObject j = new JsonObject().put("t", true).put("s", "x").put("o", new JsonObject().put("k", 1))
        .putNull("null").put("n", 1).put("e", "SECONDS").put("lower", "seconds");
    assertTrue(keys.getBoolean(j, "t", false));
    assertTrue(keys.getBoolean(j, "absent", true));
    assertEquals("JsonKeysTest JSON key 's' must be true or false, got \"x\"", wrong(() -> keys.getBoolean(j, "s", true)));
    assertEquals("x", keys.getString(j, "s", "d"));
    assertEquals("d", keys.getString(j, "absent", "d"));
    assertEquals(null, keys.getString(j, "null", "d"), "JSON null is for the setter to judge");
    assertEquals("JsonKeysTest JSON key 'n' must be a string, got 1", wrong(() -> keys.getString(j, "n", null)));
    assertEquals(new JsonObject().put("k", 1), keys.getObject(j, "o"));
    assertEquals(null, keys.getObject(j, "absent"));
    assertEquals(null, keys.getObject(j, "null"));
    assertEquals("JsonKeysTest JSON key 's' must be a JSON object, got \"x\"", wrong(() -> keys.getObject(j, "s")));
    assertEquals(TimeUnit.SECONDS, keys.getEnum(j, "e", TimeUnit.class, TimeUnit.DAYS));
    assertEquals(TimeUnit.DAYS, keys.getEnum(j, "absent", TimeUnit.class, TimeUnit.DAYS));
    assertEquals("JsonKeysTest JSON key 'lower' must be one of NANOSECONDS, MICROSECONDS, MILLISECONDS, SECONDS, "
        + "MINUTES, HOURS, DAYS, got \"seconds\"", wrong(() -> keys.getEnum(j, "lower", TimeUnit.class, null)));
  }

  private static String wrong(Runnable read) {
    return assertThrows(IllegalArgumentException.class, read::run).getMessage();
  }

  private String message(String key) {
    return message(keys, key);
  }

  private static String message(JsonKeys k, String key) {
    return assertThrows(IllegalArgumentException.class, () -> k.check(new JsonObject().put(key, 0))).getMessage();
  }
}
