package io.offload.topology;

/**
 * One DPU of a platform file ({@link PlatformFile}): the service processes it runs are the
 * global ids {@code firstGlobalId .. firstGlobalId + serviceProcesses - 1}, in the order of its
 * port lists.
 *
 * @param name             its host name (the first field of the DPU entry)
 * @param address          the connection address its service processes listen on
 * @param hostId           the host it serves (index among the selected hosts)
 * @param firstGlobalId    global id of its first service process
 * @param serviceProcesses how many service processes it runs (the length of its port lists)
 * @param line             its line in the file, for messages
 */
public record DpuSpec(String name, String address, int hostId, int firstGlobalId, int serviceProcesses, int line) {

  /** Whether service process {@code globalId} runs on this DPU. */
  public boolean runs(int globalId) {
    return globalId >= firstGlobalId && globalId < firstGlobalId + serviceProcesses;
  }

  /** The id of service process {@code globalId} among this DPU's (DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID). */
  public int localIdOf(int globalId) {
    if (!runs(globalId)) {
      throw new IllegalArgumentException("service process " + globalId + " does not run on DPU " + name);
    }
    return globalId - firstGlobalId;
  }
}
