package io.offload.ops;

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

class CollectiveOptionsTest {

  private static CollectiveOptions full() {
    return new CollectiveOptions().setStagingBytes(30 << 20).setChunkBytes(1 << 20).setGroupWaitMs(5);
  }

  private static final List<Consumer<CollectiveOptions>> ONE_FIELD_CHANGES = List.of(
      o -> o.setStagingBytes(31 << 20), o -> o.setChunkBytes(2 << 20), o -> o.setGroupWaitMs(6));

  @Test
  void shouldStartWithTheDefaultConstants() {
    CollectiveOptions o = new CollectiveOptions();
    assertEquals(CollectiveOptions.DEFAULT_STAGING_BYTES, o.getStagingBytes());
    assertEquals(CollectiveOptions.DEFAULT_CHUNK_BYTES, o.getChunkBytes());
    assertEquals(CollectiveOptions.DEFAULT_GROUP_WAIT_MS, o.getGroupWaitMs());
    assertEquals(o, new CollectiveOptions(new JsonObject()), "empty JSON: the defaults");
  }

  @Test
  void shouldReturnThisFromEverySetter() {
    CollectiveOptions o = new CollectiveOptions();
    assertSame(o, o.setStagingBytes(1 << 20));
    assertSame(o, o.setChunkBytes(4096));
    assertSame(o, o.setGroupWaitMs(1));
  }

  @Test
  void shouldRejectInvalidValuesWithTheReason() {
    CollectiveOptions o = new CollectiveOptions();
    assertReason("chunkBytes must be in [4096, 67108864], got 100", () -> o.setChunkBytes(100));
    assertReason("chunkBytes 16777216 leaves fewer than 3 slots in stagingBytes 25165824",
        () -> o.setChunkBytes(16 << 20));
    assertReason("stagingBytes must hold 3 slots of chunkBytes (393216), got 1000", () -> o.setStagingBytes(1000));
    assertReason("groupWaitMs must be >= 1, got 0", () -> o.setGroupWaitMs(0));
    assertEquals(new CollectiveOptions(), o, "a rejected value leaves the options as they were");
    assertReason("unknown CollectiveOptions JSON key 'chunkByte' (did you mean 'chunkBytes'?)",
        () -> new CollectiveOptions(new JsonObject().put("chunkByte", 4096)));
  }

  @Test
  void shouldRejectAValueOfTheWrongTypeNamingItsKey() {
    assertReason("CollectiveOptions JSON key 'chunkBytes' must be an integer, got \"4096\"",
        () -> new CollectiveOptions(new JsonObject().put("chunkBytes", "4096")));
    assertReason("CollectiveOptions JSON key 'stagingBytes' must be an integer, got null",
        () -> new CollectiveOptions(new JsonObject().putNull("stagingBytes")));
  }

  @Test
  void shouldReadAPairRaisedTogetherInAnyOrderFromJson() {
    CollectiveOptions o = new CollectiveOptions(new JsonObject().put("chunkBytes", 32 << 20).put("stagingBytes", 96 << 20));
    assertEquals(32 << 20, o.getChunkBytes());
    assertEquals(96 << 20, o.getStagingBytes());
  }

  @Test
  void shouldCopyEveryField() {
    CollectiveOptions full = full();
    assertEquals(full, new CollectiveOptions(full));
    for (Consumer<CollectiveOptions> change : ONE_FIELD_CHANGES) {
      CollectiveOptions changed = new CollectiveOptions(full);
      change.accept(changed);
      assertEquals(full(), full, "changing a copy leaves the original");
      assertNotEquals(full, changed, "equals sees every field");
    }
  }

  @Test
  void shouldRoundTripThroughJson() {
    JsonObject json = full().toJson();
    assertEquals(Set.of("stagingBytes", "chunkBytes", "groupWaitMs"), json.fieldNames());
    assertEquals(json.fieldNames(), CollectiveOptions.JSON_KEYS.keys());
    assertEquals(full(), new CollectiveOptions(json));
  }

  private static void assertReason(String expected, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}
