package io.offload.topology;

/**
 * One service process of a {@link Topology}.
 *
 * @param globalId id over the whole job: 0, 1, ... in file order, host by host
 * @param localId  id among the service processes of its host: 0, 1, ...
 * @param hostId   index of its host in the file
 * @param address  address its servers bind and peers connect to (its host's address)
 * @param rankPort OOB port where ranks connect (scope HOST_SERVICE)
 * @param meshPort OOB port where lower service processes connect (scope INTER_SERVICE)
 */
public record ServiceProcessSpec(int globalId, int localId, int hostId, String address, int rankPort, int meshPort) {
}
