package io.offload.cache.impl;

import io.offload.cache.ServiceProcessAddress;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Payloads of the cache's notifications about reaching processes: the directory of service
 * processes and ranks' worker addresses. Big-endian; lengths validated before use.
 *
 * <pre>
 * CACHE_ADDRESS_FETCH:
 *   i32 groupId | i32 count | count x i32 rank    (who asks wants those ranks' worker addresses)
 * CACHE_ADDRESSES:
 *   i32 groupId | i32 count | count x [i32 rank | i32 status | i32 length | length bytes]
 *   status ADDRESS_OK: the worker address follows; ADDRESS_OFF: its service process hands out
 *   no addresses (length 0); ADDRESS_UNKNOWN: no such rank there (length 0)
 * CACHE_DIRECTORY:
 *   i32 count | count x [i32 sp | i32 hostId | i32 rankPort | u16 length | length bytes (host, UTF-8)]
 * </pre>
 *
 * <p>Stateless; thread safe.
 */
final class ReachMessages {

  static final int ADDRESS_OK = 0;
  static final int ADDRESS_OFF = 1;
  static final int ADDRESS_UNKNOWN = 2;

  private ReachMessages() {
  }

  /** A request for the worker addresses of {@code count} ranks of a group. */
  static Buffer addressFetch(int groupId, int[] ranks, int count) {
    Buffer b = Buffer.buffer(8 + 4 * count).appendInt(groupId).appendInt(count);
    for (int i = 0; i < count; i++) {
      b.appendInt(ranks[i]);
    }
    return b;
  }

  /** A decoded CACHE_ADDRESS_FETCH: the group, then the ranks. */
  record AddressFetch(int groupId, int[] ranks) {
  }

  static AddressFetch decodeAddressFetch(Buffer b) {
    if (b.length() < 8) {
      throw new IllegalArgumentException("address fetch message of " + b.length() + " bytes (header is 8)");
    }
    int count = b.getInt(4);
    if (count < 0 || (long) count * 4 != b.length() - 8) {
      throw new IllegalArgumentException("address fetch message says " + count + " ranks but holds "
          + (b.length() - 8) + " bytes");
    }
    int[] ranks = new int[count];
    for (int i = 0; i < count; i++) {
      ranks[i] = b.getInt(8 + 4 * i);
    }
    return new AddressFetch(b.getInt(0), ranks);
  }

  /** One answer of a CACHE_ADDRESSES message; {@code address} is empty unless the status is OK. */
  record AddressAnswer(int rank, int status, byte[] address) {
  }

  /** Starts a CACHE_ADDRESSES message of {@code count} answers; append each with {@link #appendAddress}. */
  static Buffer addresses(int groupId, int count) {
    return Buffer.buffer().appendInt(groupId).appendInt(count);
  }

  static Buffer appendAddress(Buffer b, int rank, int status, byte[] address) {
    byte[] a = status == ADDRESS_OK ? address : new byte[0];
    return b.appendInt(rank).appendInt(status).appendInt(a.length).appendBytes(a);
  }

  /** The group, then its answers; addresses above {@code maxAddress} bytes are refused. */
  static AddressAnswer[] decodeAddresses(Buffer b, int maxAddress) {
    if (b.length() < 8) {
      throw new IllegalArgumentException("addresses message of " + b.length() + " bytes (header is 8)");
    }
    int count = b.getInt(4);
    if (count < 0 || (long) count * 12 > b.length() - 8) {
      throw new IllegalArgumentException("addresses message says " + count + " answers in " + b.length() + " bytes");
    }
    AddressAnswer[] out = new AddressAnswer[count];
    int pos = 8;
    for (int i = 0; i < count; i++) {
      if (pos + 12 > b.length()) {
        throw new IllegalArgumentException("addresses message truncated at answer " + i);
      }
      int rank = b.getInt(pos);
      int status = b.getInt(pos + 4);
      int length = b.getInt(pos + 8);
      pos += 12;
      if (status < ADDRESS_OK || status > ADDRESS_UNKNOWN || length < 0 || length > maxAddress
          || (status == ADDRESS_OK) != (length > 0) || pos + length > b.length()) {
        throw new IllegalArgumentException("addresses message: answer " + i + " has status " + status + " and "
            + length + " bytes");
      }
      out[i] = new AddressAnswer(rank, status, b.getBytes(pos, pos + length));
      pos += length;
    }
    if (pos != b.length()) {
      throw new IllegalArgumentException("addresses message has " + (b.length() - pos) + " trailing bytes");
    }
    return out;
  }

  /** The group id of a CACHE_ADDRESSES message. */
  static int addressesGroup(Buffer b) {
    return b.getInt(0);
  }

  static Buffer directory(List<ServiceProcessAddress> entries) {
    Buffer b = Buffer.buffer().appendInt(entries.size());
    for (ServiceProcessAddress a : entries) {
      byte[] host = a.host().getBytes(StandardCharsets.UTF_8);
      b.appendInt(a.serviceProcessId()).appendInt(a.hostId()).appendInt(a.port()).appendShort((short) host.length)
          .appendBytes(host);
    }
    return b;
  }

  /** At most {@code max} entries; each is validated ({@link ServiceProcessAddress}). */
  static List<ServiceProcessAddress> decodeDirectory(Buffer b, int max) {
    if (b.length() < 4) {
      throw new IllegalArgumentException("directory message of " + b.length() + " bytes");
    }
    int count = b.getInt(0);
    if (count < 0 || count > max || (long) count * 14 > b.length() - 4) {
      throw new IllegalArgumentException("directory message says " + count + " entries in " + b.length() + " bytes");
    }
    List<ServiceProcessAddress> out = new ArrayList<>(count);
    int pos = 4;
    for (int i = 0; i < count; i++) {
      if (pos + 14 > b.length()) {
        throw new IllegalArgumentException("directory message truncated at entry " + i);
      }
      int length = b.getUnsignedShort(pos + 12);
      if (pos + 14 + length > b.length()) {
        throw new IllegalArgumentException("directory message truncated at entry " + i);
      }
      String host = new String(b.getBytes(pos + 14, pos + 14 + length), StandardCharsets.UTF_8);
      out.add(new ServiceProcessAddress(b.getInt(pos), b.getInt(pos + 4), host, b.getInt(pos + 8)));
      pos += 14 + length;
    }
    if (pos != b.length()) {
      throw new IllegalArgumentException("directory message has " + (b.length() - pos) + " trailing bytes");
    }
    return out;
  }
}
