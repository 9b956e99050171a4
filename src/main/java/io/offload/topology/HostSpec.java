package io.offload.topology;

import java.util.List;

/**
 * One host of a {@link Topology}.
 *
 * @param id               index of the host in the file (the {@code hostId} of its ranks)
 * @param name             its name, for messages
 * @param address          where its service processes listen
 * @param serviceProcesses its service processes, by local id
 */
public record HostSpec(int id, String name, String address, List<ServiceProcessSpec> serviceProcesses) {

  public HostSpec {
    serviceProcesses = List.copyOf(serviceProcesses);
  }
}
