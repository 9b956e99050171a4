package io.offload.cli;

import io.offload.topology.DpuList;
import io.offload.topology.DpuSpec;
import io.offload.topology.PlatformFile;
import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.topology.TopologyException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which service process this one is, and from which file: options ({@code --topology},
 * {@code --id}) over the environment ({@code OFFLOAD_CONFIG_FILE_PATH},
 * {@code DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID}) over the file (in a platform file, the DPU named
 * after this machine, and its service process {@code DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID}, else
 * 0). {@code DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID} and {@code DPU_OFFLOAD_SERVICE_PROCS_PER_DPU},
 * when set, must agree with the file.
 *
 * @param topology the file, or null when there is none
 * @param globalId the global id
 */
record ServiceIdentity(Path topology, int globalId) {

  static ServiceIdentity resolve(Path topologyOption, Integer idOption, LauncherEnv env, String thisHost) {
    Path file = topologyOption != null ? topologyOption : env.configFile().orElse(null);
    OptionalInt envId = env.serviceProcessGlobalId();
    if (file == null) {
      return new ServiceIdentity(null, idOption != null ? idOption : envId.orElse(0));
    }
    Topology topo = Topology.read(file);
    PlatformFile platform = isPlatformFile(file) ? PlatformFile.read(file, DpuList.fromEnvironment()) : null;
    int id;
    String from;
    if (idOption != null) {
      id = idOption;
      from = "--id " + id;
    } else if (envId.isPresent()) {
      id = envId.getAsInt();
      from = LauncherEnv.SP_GLOBAL_ID + "=" + id;
    } else {
      Optional<DpuSpec> mine = platform == null ? Optional.empty() : platform.dpuNamed(thisHost);
      int local = env.serviceProcessLocalId().orElse(0);
      if (mine.isPresent() && local >= mine.get().serviceProcesses()) {
        throw new ConfigException(file + ": DPU " + mine.get().name() + " (this host) runs "
            + mine.get().serviceProcesses() + " service process(es), so " + LauncherEnv.SP_LOCAL_ID + "=" + local
            + " is not one of them");
      }
      id = mine.map(d -> d.firstGlobalId() + local).orElse(0);
      from = mine.isPresent() ? "DPU " + mine.get().name() + " (this host)" : "the default id 0";
    }
    if (id < 0 || id >= topo.serviceProcessCount()) {
      throw new ConfigException(file + ": no service process " + id + " (the file has "
          + topo.serviceProcessCount() + "), from " + from);
    }
    checkAgainstFile(file, topo.serviceProcess(id), topo, platform, env);
    return new ServiceIdentity(file, id);
  }

  /** The local id and count per DPU (per host in a JSON topology) of the environment, checked. */
  private static void checkAgainstFile(Path file, ServiceProcessSpec sp, Topology topo, PlatformFile platform,
                                       LauncherEnv env) {
    int localId;
    int count;
    String where;
    if (platform != null) {
      DpuSpec dpu = platform.dpuRunning(sp.globalId());
      localId = dpu.localIdOf(sp.globalId());
      count = dpu.serviceProcesses();
      where = "DPU " + dpu.name();
    } else {
      localId = sp.localId();
      count = topo.host(sp.hostId()).serviceProcesses().size();
      where = "host " + topo.host(sp.hostId()).name();
    }
    OptionalInt envLocal = env.serviceProcessLocalId();
    if (envLocal.isPresent() && envLocal.getAsInt() != localId) {
      throw new ConfigException(LauncherEnv.SP_LOCAL_ID + "=" + envLocal.getAsInt() + " but service process "
          + sp.globalId() + " of " + file + " is service process " + localId + " of " + where);
    }
    OptionalInt envCount = env.serviceProcessesPerDpu();
    if (envCount.isPresent() && envCount.getAsInt() != count) {
      throw new ConfigException(LauncherEnv.SPS_PER_DPU + "=" + envCount.getAsInt() + " but " + where + " of "
          + file + " runs " + count + " service process(es)");
    }
  }

  private static boolean isPlatformFile(Path file) {
    try {
      return PlatformFile.isPlatformFile(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new TopologyException("cannot read topology file " + file + ": " + e, e);
    }
  }
}
