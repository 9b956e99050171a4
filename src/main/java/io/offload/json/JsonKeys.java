package io.offload.json;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys an options class reads from JSON, so that an unknown or misspelt key ({@code maxInflight}
 * for {@code maxInFlight}) fails at once instead of being ignored, and typed reads of them that fail
 * with the key's name on a value of the wrong type. Immutable, thread-safe.
 */
public final class JsonKeys {

  private final Class<?> owner;
  private final Set<String> keys;

  private JsonKeys(Class<?> owner, Set<String> keys) {
    this.owner = owner;
    this.keys = Collections.unmodifiableSet(keys);
  }

  /** The keys {@code owner} reads. */
  public static JsonKeys of(Class<?> owner, String... keys) {
    return new JsonKeys(owner, new LinkedHashSet<>(List.of(keys)));
  }

  /** These keys and {@code more} (keys read by a nested options object from the same JSON). */
  public JsonKeys with(JsonKeys more) {
    Set<String> all = new LinkedHashSet<>(keys);
    all.addAll(more.keys);
    return new JsonKeys(owner, all);
  }

  /** The keys, in declaration order. */
  public Set<String> keys() {
    return keys;
  }

  /**
   * Returns {@code json}, or throws an {@link IllegalArgumentException} naming the first key it holds
   * that is not one of these, the options class, the closest known key and all known keys.
   */
  public JsonObject check(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!keys.contains(key)) {
        String near = closest(key);
        throw new IllegalArgumentException("unknown " + owner.getSimpleName() + " JSON key '" + key + "'"
            + (near == null ? "" : " (did you mean '" + near + "'?)") + "; known keys: "
            + String.join(", ", new TreeSet<>(keys)));
      }
    }
    return json;
  }

  /** A new object with only those entries of {@code json} whose key is one of these. */
  public JsonObject select(JsonObject json) {
    JsonObject out = new JsonObject();
    for (String key : keys) {
      if (json.containsKey(key)) {
        out.put(key, json.getValue(key));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ typed reads
  // JsonObject.getInteger casts (ClassCastException on "8"), unboxes (NullPointerException on null) and
  // truncates (8.5 reads as 8, 2^32 + 64 as 64): these read one key of the owner and say what is wrong.

  /** The whole number at {@code key} within the int range, or {@code def} when the key is absent. */
  public int getInt(JsonObject json, String key, int def) {
    return json.containsKey(key) ? (int) whole(json, key, Integer.MIN_VALUE, Integer.MAX_VALUE) : def;
  }

  /** The whole number at {@code key}, or {@code def} when the key is absent. */
  public long getLong(JsonObject json, String key, long def) {
    return json.containsKey(key) ? whole(json, key, Long.MIN_VALUE, Long.MAX_VALUE) : def;
  }

  /** The boolean at {@code key}, or {@code def} when the key is absent. */
  public boolean getBoolean(JsonObject json, String key, boolean def) {
    if (!json.containsKey(key)) {
      return def;
    }
    if (json.getValue(key) instanceof Boolean b) {
      return b;
    }
    throw wrong(json, key, "must be true or false");
  }

  /** The string at {@code key}; {@code def} when absent, null when JSON null (the setter decides). */
  public String getString(JsonObject json, String key, String def) {
    if (!json.containsKey(key)) {
      return def;
    }
    Object v = json.getValue(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw wrong(json, key, "must be a string");
  }

  /** The object at {@code key}; null when absent or JSON null. */
  public JsonObject getObject(JsonObject json, String key) {
    Object v = json.getValue(key);
    if (v == null || v instanceof JsonObject) {
      return (JsonObject) v;
    }
    throw wrong(json, key, "must be a JSON object");
  }

  /** The constant of {@code type} named at {@code key}, or {@code def} when the key is absent. */
  public <E extends Enum<E>> E getEnum(JsonObject json, String key, Class<E> type, E def) {
    if (!json.containsKey(key)) {
      return def;
    }
    if (json.getValue(key) instanceof String name) {
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(name)) {
          return e;
        }
      }
    }
    StringBuilder names = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      names.append(names.length() == 0 ? "" : ", ").append(e.name());
    }
    throw wrong(json, key, "must be one of " + names);
  }

  private long whole(JsonObject json, String key, long min, long max) {
    Object v = json.getValue(key);
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      long n = ((Number) v).longValue();
      if (n >= min && n <= max) {
        return n;
      }
    } else if (v instanceof Number n) {
      BigDecimal d;
      try {
        d = new BigDecimal(n.toString());
      } catch (NumberFormatException nan) {
        throw wrong(json, key, "must be an integer");
      }
      if (d.stripTrailingZeros().scale() > 0) {
        throw wrong(json, key, "must be an integer");
      }
      if (d.compareTo(BigDecimal.valueOf(min)) >= 0 && d.compareTo(BigDecimal.valueOf(max)) <= 0) {
        return d.longValueExact();
      }
    } else {
      throw wrong(json, key, "must be an integer");
    }
    throw wrong(json, key, "must be an integer in [" + min + ", " + max + "]");
  }

  private IllegalArgumentException wrong(JsonObject json, String key, String rule) {
    Object v = json.getValue(key);
    return new IllegalArgumentException(owner.getSimpleName() + " JSON key '" + key + "' " + rule + ", got "
        + (v instanceof Number || v instanceof Boolean || v == null ? String.valueOf(v) : Json.encode(v)));
  }

  /** The known key nearest to {@code key}: equal but for case, or at most 2 edits away; else null. */
  private String closest(String key) {
    String best = null;
    int bestDistance = 3;
    for (String k : keys) {
      int d = k.equalsIgnoreCase(key) ? 0 : distance(k, key);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
