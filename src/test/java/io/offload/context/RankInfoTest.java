package io.offload.context;

import io.offload.topology.RankInfo;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A record: immutable, so no setters and no copy constructor; the rest of the options test shape. */
class RankInfoTest {

  @Test
  void shouldReadAbsentKeysAsTheDefaultConstants() {
    assertEquals(new RankInfo(RankInfo.DEFAULT_GROUP_ID, RankInfo.DEFAULT_RANK, RankInfo.DEFAULT_GROUP_SIZE,
        RankInfo.DEFAULT_RANK, RankInfo.DEFAULT_GROUP_SIZE, RankInfo.DEFAULT_HOST_ID), new RankInfo(new JsonObject()));
    assertEquals(new RankInfo(0, 2, 5, 2, 5, 0), new RankInfo(new JsonObject().put("rank", 2).put("groupSize", 5)),
        "localRank and localSize default to rank and groupSize");
  }

  @Test
  void shouldRejectInvalidValuesWithTheReason() {
    assertReason("groupSize must be >= 1, got 0", () -> new RankInfo(0, 0, 0, 0, 1, 0));
    assertReason("rank must be in [0, 2), got 2", () -> new RankInfo(new JsonObject().put("rank", 2).put("groupSize", 2)));
    assertReason("localRank must be in [0, localSize), got 3/2", () -> new RankInfo(0, 3, 4, 3, 2, 0));
    assertReason("groupId and hostId must be >= 0, got 0, -1", () -> new RankInfo(0, 0, 1, 0, 1, -1));
  }

  @Test
  void shouldRoundTripThroughJson() {
    RankInfo r = new RankInfo(2, 3, 8, 1, 4, 5);
    JsonObject json = r.toJson();
    assertEquals(Set.of("groupId", "rank", "groupSize", "localRank", "localSize", "hostId"), json.fieldNames());
    assertEquals(r, new RankInfo(json));
    assertEquals(r, new RankInfo(new JsonObject(json.encode())));
    RankInfo[] oneFieldChanged = {new RankInfo(1, 3, 8, 1, 4, 5), new RankInfo(2, 2, 8, 1, 4, 5),
        new RankInfo(2, 3, 9, 1, 4, 5), new RankInfo(2, 3, 8, 0, 4, 5), new RankInfo(2, 3, 8, 1, 3, 5),
        new RankInfo(2, 3, 8, 1, 4, 6)};
    for (RankInfo changed : oneFieldChanged) {
      assertNotEquals(json, changed.toJson(), "toJson writes every field");
      assertEquals(changed, new RankInfo(changed.toJson()));
    }
  }

  @Test
  void shouldRejectAnUnknownKeyNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RankInfo(new JsonObject().put("rank", 0).put("localrank", 0)));
    assertTrue(e.getMessage().contains("RankInfo"), e.getMessage());
    assertTrue(e.getMessage().contains("'localrank' (did you mean 'localRank'?)"), e.getMessage());
  }

  static void assertReason(String reason, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
  }
}
