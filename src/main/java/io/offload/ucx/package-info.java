/**
 * UCX settings (API): {@link io.offload.ucx.UcxOptions} (the progress thread's idle strategy),
 * {@link io.offload.ucx.UcxStartup} (start-up settings chosen by measurement),
 * {@link io.offload.ucx.UcxSignals} (UCX's error-signal handlers off in a JVM). The runtime itself,
 * the progress agent and its thread are in {@code io.offload.ucx.impl}.
 */
package io.offload.ucx;
