package io.offload.cache.impl;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class IntMapTest {

  @Test
  void shouldAgreeWithAHashMapThroughRandomChanges() {
    Random random = new Random(7);
    IntMap<String> map = IntMap.empty();
    Map<Integer, String> model = new HashMap<>();
    for (int i = 0; i < 5000; i++) {
      int key = random.nextInt(600) - 100; // negative keys too
      if (random.nextInt(3) == 0) {
        map = map.without(key);
        model.remove(key);
      } else {
        map = map.with(key, "v" + i);
        model.put(key, "v" + i);
      }
    }
    assertEquals(model.size(), map.size());
    for (int key = -100; key < 500; key++) {
      assertEquals(model.get(key), map.get(key), "key " + key);
    }
    assertArrayEquals(model.keySet().stream().mapToInt(Integer::intValue).sorted().toArray(), map.keys());
    IntMap<String> before = map;
    IntMap<String> after = map.with(10_000, "new");
    assertNull(before.get(10_000), "changes never touch the old map");
    assertEquals("new", after.get(10_000));
  }
}
