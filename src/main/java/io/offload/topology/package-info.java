/**
 * Who runs where (API, no dependency on the rest of the library but {@code io.offload.json}):
 * {@link io.offload.topology.RankInfo} (a rank's group, rank and host), the
 * {@link io.offload.topology.Topology} file of hosts and their service processes with their ports,
 * the C original's platform files ({@link io.offload.topology.PlatformFile}), Slurm's node and task
 * lists, and {@link io.offload.topology.FreePorts}.
 */
package io.offload.topology;
