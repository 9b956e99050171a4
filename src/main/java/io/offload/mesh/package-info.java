/**
 * The inter-service-process mesh, built on the public engine API only:
 * {@link io.offload.mesh.ServiceMesh} connects a service process to every other one of a
 * {@link io.offload.topology.Topology} (lower ids listen, higher ids connect).
 */
package io.offload.mesh;
