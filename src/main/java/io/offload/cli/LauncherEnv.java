package io.offload.cli;

import io.offload.topology.SlurmTasksPerNode;
import io.offload.topology.TopologyException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the environment says about this process: the rank identity that common launchers set
 * (Open MPI {@code OMPI_COMM_WORLD_*}, MPICH/Hydra {@code PMI_*} and {@code MPI_LOCAL*}, Slurm
 * {@code SLURM_*}, first found wins, in that order) and the C original's launch model
 * ({@code OFFLOAD_CONFIG_FILE_PATH}, {@code DPU_OFFLOAD_*}). Options override all of it; it
 * overrides what a topology file would let us guess.
 */
final class LauncherEnv {

  static final String CONFIG_FILE = "OFFLOAD_CONFIG_FILE_PATH";
  static final String CONFIG_FILE_LONG = "DPU_OFFLOAD_CONFIG_FILE_PATH";
  static final String SP_GLOBAL_ID = "DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID";
  static final String SP_LOCAL_ID = "DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID";
  static final String SPS_PER_DPU = "DPU_OFFLOAD_SERVICE_PROCS_PER_DPU";
  /** The C original's spelling of {@link #SPS_PER_DPU}. */
  static final String SPS_PER_DPU_LONG = "DPU_OFFLOAD_SERVICE_PROCESSES_PER_DPU";
  static final String SERVER_ADDR = "DPU_OFFLOAD_SERVER_ADDR";
  static final String SERVER_PORT = "DPU_OFFLOAD_SERVER_PORT";

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
    return first("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "PMI_LOCAL_RANK", "SLURM_LOCALID");
  }

  /** Local size; under Slurm the count of this node ({@code SLURM_NODEID}) in the tasks-per-node list. */
  OptionalInt localSize() {
    OptionalInt direct = first("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "PMI_LOCAL_SIZE");
    if (direct.isPresent()) {
      return direct;
    }
    OptionalInt node = first("SLURM_NODEID");
    for (String name : new String[] {"SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE"}) {
      String v = env.get(name);
      if (node.isPresent() && v != null && !v.isBlank()) {
        int[] counts;
        try {
          counts = SlurmTasksPerNode.parse(v, name);
        } catch (TopologyException e) {
          throw new ConfigException("environment variable " + e.getMessage(), e);
        }
        if (node.getAsInt() >= counts.length) {
          throw new ConfigException("environment variable SLURM_NODEID=" + node.getAsInt() + " but " + name + "='"
              + v + "' covers " + counts.length + " node(s)");
        }
        return OptionalInt.of(counts[node.getAsInt()]);
      }
    }
    return first("SLURM_NTASKS_PER_NODE");
  }

  /** This host's index among the job's hosts, when the launcher says ({@code SLURM_NODEID}). */
  OptionalInt hostId() {
    return first("SLURM_NODEID");
  }

  /** The name of the variable {@link #hostId()} came from, for messages. */
  String hostIdSource() {
    return "SLURM_NODEID";
  }

  /** The platform or topology file: {@value #CONFIG_FILE}, else {@value #CONFIG_FILE_LONG}. */
  Optional<Path> configFile() {
    for (String name : new String[] {CONFIG_FILE, CONFIG_FILE_LONG}) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return Optional.of(Path.of(v.trim()));
      }
    }
    return Optional.empty();
  }

  OptionalInt serviceProcessGlobalId() {
    return first(SP_GLOBAL_ID);
  }

  OptionalInt serviceProcessLocalId() {
    return first(SP_LOCAL_ID);
  }

  /** {@value #SPS_PER_DPU}, else the C original's {@value #SPS_PER_DPU_LONG}. */
  OptionalInt serviceProcessesPerDpu() {
    return first(SPS_PER_DPU, SPS_PER_DPU_LONG);
  }

  Optional<String> serverAddress() {
    String v = env.get(SERVER_ADDR);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  OptionalInt serverPort() {
    OptionalInt p = first(SERVER_PORT);
    if (p.isPresent() && p.getAsInt() > 65535) {
      throw new ConfigException("environment variable " + SERVER_PORT + "=" + p.getAsInt() + " is not a port");
    }
    return p;
  }

  /** {@code ADDR:PORT} from {@value #SERVER_ADDR} and {@value #SERVER_PORT}, which go together. */
  Optional<String> serverToConnect() {
    Optional<String> addr = serverAddress();
    OptionalInt port = serverPort();
    if (addr.isPresent() != port.isPresent()) {
      throw new ConfigException("set both " + SERVER_ADDR + " and " + SERVER_PORT + " (only "
          + (addr.isPresent() ? SERVER_ADDR : SERVER_PORT) + " is set)");
    }
    return addr.map(a -> a + ":" + port.getAsInt());
  }

  private OptionalInt first(String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        try {
          int value = Integer.parseInt(v.trim());
          if (value >= 0) {
            return OptionalInt.of(value);
          }
        } catch (NumberFormatException e) {
          // the message below
        }
        throw new ConfigException("environment variable " + n + "='" + v + "' is not a number >= 0");
      }
    }
    return OptionalInt.empty();
  }
}
