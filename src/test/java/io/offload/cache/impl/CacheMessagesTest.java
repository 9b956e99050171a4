package io.offload.cache.impl;

import io.offload.cache.RemoteRegion;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheMessagesTest {

  @Test
  void shouldRoundTripEntriesRevokesAndRegions() {
    CacheMessages.Entries e = CacheMessages.decodeEntries(CacheMessages.entry(3, 9L, 16, 5, 1, 4, 2, 7));
    assertEquals(3, e.groupId());
    assertEquals(9L, e.seq());
    assertEquals(16, e.groupSize());
    assertArrayEquals(new int[] {5, 1, 4, 2, 7}, e.entries());

    CacheMessages.Revoke r = CacheMessages.decodeRevoke(CacheMessages.revoke(3, 9L, -1, -1));
    assertTrue(r.wholeGroup());
    assertEquals(new CacheMessages.Revoke(3, 9L, -1, 4), CacheMessages.decodeRevoke(CacheMessages.revoke(3, 9L, -1, 4)));

    RemoteRegion region = CacheMessages.decodeRegion(CacheMessages.region(new RemoteRegion(2, 0xABCDL, 4096,
        new byte[] {9, 8, 7})));
    assertEquals(2, region.serviceProcessId());
    assertEquals(0xABCDL, region.address());
    assertEquals(4096, region.length());
    assertArrayEquals(new byte[] {9, 8, 7}, region.packedKey());
  }

  @Test
  void shouldRejectMalformedPayloadsWithAReasonNeverACrash() {
    Buffer lying = CacheMessages.entry(0, 0, 4, 0, 0, 1, 0, 0);
    lying.setInt(16, 1000); // says 1000 entries, holds one
    assertThrows(IllegalArgumentException.class, () -> CacheMessages.decodeEntries(lying));
    assertThrows(IllegalArgumentException.class, () -> CacheMessages.decodeEntries(Buffer.buffer(new byte[7])));
    assertThrows(IllegalArgumentException.class, () -> CacheMessages.decodeRevoke(Buffer.buffer(new byte[12])));
    Buffer bigKey = CacheMessages.region(new RemoteRegion(0, 1, 1, new byte[4]));
    bigKey.setInt(20, Integer.MAX_VALUE);
    assertThrows(IllegalArgumentException.class, () -> CacheMessages.decodeRegion(bigKey));
  }
}
