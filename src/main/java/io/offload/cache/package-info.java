/**
 * The group cache and the service-process topology.
 *
 * <ul>
 *   <li>{@link io.offload.cache.GroupCache}: for every group, for every rank, its rank info, the
 *       service process that serves it and the {@link io.offload.cache.Handle} to reach that service
 *       process. Lookups are O(1) and allocation-free; groups are added and revoked with sequence
 *       numbers. Every engine has one: {@code OffloadEngine.cache()}.</li>
 *   <li>{@link io.offload.cache.Topology}: the JSON file that lists hosts and their service
 *       processes with their ports; a rank finds its service process from it.</li>
 *   <li>{@link io.offload.cache.ServiceMesh}: the inter-service-process mesh a service process
 *       builds from the topology.</li>
 * </ul>
 */
package io.offload.cache;
