package io.offload.cache;

/**
 * A memory region a service process registered with UCX and published in the cache: what a
 * peer needs for one-sided {@code put}/{@code get} on it (the portable stand-in for XGVMI).
 *
 * @param serviceProcessId the owner
 * @param address          the region's virtual address in the owner's process
 * @param length           its length in bytes
 * @param packedKey        the UCX remote key, packed ({@code UcpMemory.getRemoteKeyBuffer()})
 */
public record RemoteRegion(int serviceProcessId, long address, long length, byte[] packedKey) {

  public RemoteRegion {
    if (length < 0 || packedKey == null) {
      throw new IllegalArgumentException("a region needs a length >= 0 and a packed key");
    }
  }
}
