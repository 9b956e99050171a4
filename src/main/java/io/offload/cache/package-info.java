/**
 * The group cache and the service-process topology.
 *
 * <ul>
 *   <li>{@link io.offload.cache.GroupCache}: for every group, for every rank, its rank info, the
 *       service process that serves it and the {@link io.offload.cache.Handle} to reach that service
 *       process. Lookups are O(1) and allocation-free (by rank, by host, by position, as the
 *       C original's); memory follows the entries present; groups are added and revoked
 *       (collectively) with sequence numbers; entries can be fetched on demand or added by the
 *       application. Every engine has one: {@code OffloadEngine.cache()}.
 *       {@link io.offload.cache.CacheDump} prints every answer as JSON.</li>
 *   <li>{@link io.offload.topology.Topology}: the JSON file that lists hosts and their service
 *       processes with their ports; a rank finds its service process from it.</li>
 *   <li>{@link io.offload.mesh.ServiceMesh}: the inter-service-process mesh a service process
 *       builds from the topology.</li>
 * </ul>
 */
package io.offload.cache;

import io.offload.mesh.ServiceMesh;
import io.offload.topology.Topology;
