package io.offload.json;

import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys an options class reads from JSON, so that an unknown or misspelt key ({@code maxInflight}
 * for {@code maxInFlight}) fails at once instead of being ignored. Immutable, thread-safe.
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
