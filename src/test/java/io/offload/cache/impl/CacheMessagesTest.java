package io.offload.cache.impl;

import io.offload.cache.RemoteRegion;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CacheMessagesTest {

  @Test
  void shouldRoundTripEntriesRevokesAndRegions() {
    CacheMessages.Entries e = CacheMessages.decodeEntries(CacheMessages.entry(3, 9L, 16, 5, 1, 4, 2, 7));
    assertEquals(3, e.groupId());
    assertEquals(9L, e.seq());
    assertEquals(16, e.groupSize());
    assertArrayEquals(new int[] {5, 1, 4, 2, 7, CacheMessages.slot(0, 1)}, e.entries());
    int slot = CacheMessages.slot(2, 3);
    assertEquals(2, CacheMessages.slotIndex(slot));
    assertEquals(3, CacheMessages.slotWidth(slot));

    ReachMessages.AddressFetch f = ReachMessages.decodeAddressFetch(ReachMessages.addressFetch(4, new int[] {1, 2, 3}, 2));
    assertEquals(4, f.groupId());
    assertArrayEquals(new int[] {1, 2}, f.ranks());
    Buffer answers = ReachMessages.addresses(4, 2);
    ReachMessages.appendAddress(answers, 1, ReachMessages.ADDRESS_OK, new byte[] {7, 7, 7});
    ReachMessages.appendAddress(answers, 2, ReachMessages.ADDRESS_OFF, null);
    ReachMessages.AddressAnswer[] a = ReachMessages.decodeAddresses(answers, 16);
    assertEquals(4, ReachMessages.addressesGroup(answers));
    assertArrayEquals(new byte[] {7, 7, 7}, a[0].address());
    assertEquals(List.of(1, ReachMessages.ADDRESS_OK, 2, ReachMessages.ADDRESS_OFF, 0),
        List.of(a[0].rank(), a[0].status(), a[1].rank(), a[1].status(), a[1].address().length));

    List<io.offload.cache.ServiceProcessAddress> dir = List.of(new io.offload.cache.ServiceProcessAddress(0, 1,
        "10.0.0.1", 14100), new io.offload.cache.ServiceProcessAddress(7, -1, "n\u00f6de-b", 80));
    assertEquals(dir, ReachMessages.decodeDirectory(ReachMessages.directory(dir), 2));

    CacheMessages.Revoke r = CacheMessages.decodeRevoke(CacheMessages.revoke(3, 9L, 5, 4));
    assertEquals(List.of(3, 9L, CacheMessages.REMOVE, 5, 4, 0), List.of(r.groupId(), r.seq(), r.kind(), r.rank(),
        r.serviceProcess(), r.ranks().length));
    CacheMessages.Revoke c = CacheMessages.decodeRevoke(CacheMessages.revoke(CacheMessages.COUNTS, 3, 9L, 16, -1, 2,
        new int[] {1, 4, 7, 99}, 3));
    assertEquals(CacheMessages.COUNTS, c.kind());
    assertEquals(16, c.groupSize());
    assertEquals(2, c.serviceProcess());
    assertArrayEquals(new int[] {1, 4, 7}, c.ranks());

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
    Buffer tooLong = ReachMessages.appendAddress(ReachMessages.addresses(0, 1), 0, ReachMessages.ADDRESS_OK, new byte[17]);
    assertThrows(IllegalArgumentException.class, () -> ReachMessages.decodeAddresses(tooLong, 16));
    Buffer okWithoutBytes = ReachMessages.addresses(0, 1).appendInt(0).appendInt(ReachMessages.ADDRESS_OK).appendInt(0);
    assertThrows(IllegalArgumentException.class, () -> ReachMessages.decodeAddresses(okWithoutBytes, 16));
    Buffer lyingFetch = ReachMessages.addressFetch(0, new int[] {1}, 1).setInt(4, 1 << 30);
    assertThrows(IllegalArgumentException.class, () -> ReachMessages.decodeAddressFetch(lyingFetch));
    List<io.offload.cache.ServiceProcessAddress> one = List.of(new io.offload.cache.ServiceProcessAddress(0, 0, "h", 1));
    assertThrows(IllegalArgumentException.class, () -> ReachMessages.decodeDirectory(ReachMessages.directory(one), 0),
        "more entries than allowed");
    Buffer badPort = ReachMessages.directory(one).setInt(12, 0);
    assertThrows(IllegalArgumentException.class, () -> ReachMessages.decodeDirectory(badPort, 4));
    Buffer lyingRevoke = CacheMessages.revoke(CacheMessages.COUNTS, 0, 0, 4, -1, 0, new int[] {1}, 1);
    lyingRevoke.setInt(28, 1 << 30); // says 2^30 ranks, holds one
    assertThrows(IllegalArgumentException.class, () -> CacheMessages.decodeRevoke(lyingRevoke));
    Buffer unknownKind = CacheMessages.revoke(0, 0, 1, 1);
    unknownKind.setInt(12, 77);
    assertThrows(IllegalArgumentException.class, () -> CacheMessages.decodeRevoke(unknownKind));
    Buffer bigKey = CacheMessages.region(new RemoteRegion(0, 1, 1, new byte[4]));
    bigKey.setInt(20, Integer.MAX_VALUE);
    assertThrows(IllegalArgumentException.class, () -> CacheMessages.decodeRegion(bigKey));
  }
}
