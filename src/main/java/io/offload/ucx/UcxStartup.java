package io.offload.ucx;

import java.util.Map;

/**
 * UCX start-up settings chosen by measurement, for the environment of a JVM before UCX loads (UCX
 * 1.13 reads transport settings from the environment only: {@code UcpParams.setConfig} refuses
 * them). Each applies only when the environment does not set it already. The launcher
 * ({@code offload}) exports the same; library users may set them in their own environment.
 * <ul>
 *   <li>{@code UCX_POSIX_RX_BUFS_GROW=64}, {@code UCX_SYSV_RX_BUFS_GROW=64}: the shared-memory
 *   transports pre-allocate fewer receive buffers; engine creation here 12.2 → 6.9 ms, one rank to
 *   BOOTSTRAP_DONE 18.5 → 13.1 ms p50 (README: Benchmarks).</li>
 *   <li>{@code UCX_LOG_LEVEL=error}: JUCX 1.15.0, built against UCX 1.15's headers, makes UCX 1.13
 *   warn "UCP API version is incompatible" once per context, which here is once per engine (JUCX
 *   1.12.1, which matches UCX 1.13, leaks every request UCX completes at once: README, UCX
 *   environment). UCX's errors still print.</li>
 * </ul>
 */
public final class UcxStartup {

  static final Map<String, String> SETTINGS = Map.of("UCX_POSIX_RX_BUFS_GROW", "64", "UCX_SYSV_RX_BUFS_GROW", "64",
      "UCX_LOG_LEVEL", "error");

  private UcxStartup() {
  }

  /** Adds the settings to {@code environment} (a child's, from ProcessBuilder) where it has none. */
  public static Map<String, String> tune(Map<String, String> environment) {
    SETTINGS.forEach(environment::putIfAbsent);
    return environment;
  }
}
