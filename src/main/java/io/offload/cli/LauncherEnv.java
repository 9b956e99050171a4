package io.offload.cli;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Rank identity from the environment of common launchers: Open MPI ({@code OMPI_COMM_WORLD_*}),
 * PMI ({@code PMI_RANK/PMI_SIZE}) and Slurm ({@code SLURM_PROCID/NTASKS/LOCALID}), in that order.
 */
final class LauncherEnv {

  private final Map<String, String> env;

  LauncherEnv(Map<String, String> env) {
    this.env = env;
  }

  OptionalInt rank() {
    return first("OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_PROCID");
  }

  OptionalInt size() {
    return first("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS");
  }

  OptionalInt localRank() {
    return first("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID");
  }

  OptionalInt localSize() {
    return first("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE");
  }

  private OptionalInt first(String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        try {
          return OptionalInt.of(Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
          throw new ConfigException("environment variable " + n + "='" + v + "' is not a number");
        }
      }
    }
    return OptionalInt.empty();
  }
}
