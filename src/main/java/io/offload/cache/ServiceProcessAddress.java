package io.offload.cache;

/**
 * Where to reach a service process: its global id, the id of its host ({@code -1} while not
 * known), and the OOB address ranks connect to (its rank port). An entry of the directory each
 * service process sends its ranks ({@link GroupCache#directory()}).
 *
 * @param serviceProcessId global id
 * @param hostId           its host, or -1
 * @param host             the address its rank server listens on
 * @param port             its rank port
 */
public record ServiceProcessAddress(int serviceProcessId, int hostId, String host, int port) {

  public ServiceProcessAddress {
    if (serviceProcessId < 0 || hostId < -1 || host == null || host.isEmpty() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid service process address: " + serviceProcessId + ", host " + hostId
          + ", " + host + ":" + port);
    }
  }
}
