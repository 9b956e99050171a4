/**
 * The group cache (API): for every group, for every rank, its rank info, the service process that
 * serves it and the {@link io.offload.cache.Handle} to reach that service process.
 *
 * <p>{@link io.offload.cache.GroupCache}: lookups are O(1) and allocation-free (by rank, by host,
 * by position, as the C original's: those in {@link io.offload.cache.GroupLookups}); memory follows
 * the entries present; groups are added and
 * revoked (collectively) with sequence numbers; entries can be fetched on demand or added by the
 * application. Every engine has one: {@code OffloadEngine.cache()}. {@link io.offload.cache.CacheDump}
 * prints every answer as JSON. The implementation is {@code io.offload.cache.impl}.
 */
package io.offload.cache;
