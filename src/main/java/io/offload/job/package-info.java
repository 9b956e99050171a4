/**
 * A service that ends with its job: {@link io.offload.job.Job}, from
 * {@code OffloadEngine.job(ranks)}, tells a service process when the job it serves is over, its
 * service processes agreeing over the mesh.
 */
package io.offload.job;
