package io.offload.topology;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The service processes of a job: hosts, each with its service processes and their OOB ports.
 * Service processes get a global id in file order (host by host) and a local id per host.
 *
 * <pre>{@code
 * { "hosts": [
 *     { "name": "node-a", "address": "10.0.0.1",
 *       "serviceProcesses": [ { "rankPort": 14100, "meshPort": 14200 },
 *                             { "rankPort": 14101, "meshPort": 14201 } ] },
 *     { "name": "node-b", "address": "10.0.0.2", "serviceProcesses": [ ... ] } ] }
 * }</pre>
 *
 * A rank on host {@code h} with local rank {@code l} is served by service process
 * {@code l % (service processes of h)} of that host ({@link #serviceProcessFor(int, int)}).
 * With {@code "serviceProcessesPerRank": k} (default 1, at most 8 and at most the service
 * processes of any host) it is also known to {@code k - 1} shadows, the next ones of its host
 * in turn: index {@code i} is service process {@code (l + i) % n} of the host
 * ({@link #serviceProcessesFor(int, int)}).
 * Invalid files fail with a {@link TopologyException} naming the file, line and field.
 *
 * <p>Immutable; thread safe.
 */
public final class Topology {

  private final List<HostSpec> hosts;
  private final List<ServiceProcessSpec> serviceProcesses;
  private final int perRank;

  Topology(List<HostSpec> hosts) {
    this(hosts, 1);
  }

  Topology(List<HostSpec> hosts, int perRank) {
    int fewest = Integer.MAX_VALUE;
    for (HostSpec h : hosts) {
      fewest = Math.min(fewest, h.serviceProcesses().size());
    }
    if (perRank < 1 || perRank > MAX_PER_RANK || perRank > fewest) {
      throw new IllegalArgumentException("serviceProcessesPerRank must be in [1, " + Math.min(MAX_PER_RANK, fewest)
          + "] (at most " + MAX_PER_RANK + " and at most the service processes of any host), got " + perRank);
    }
    this.perRank = perRank;
    this.hosts = List.copyOf(hosts);
    List<ServiceProcessSpec> all = new ArrayList<>();
    for (HostSpec h : hosts) {
      all.addAll(h.serviceProcesses());
    }
    this.serviceProcesses = Collections.unmodifiableList(all);
  }

  /**
   * Reads and validates a topology file: JSON, or a platform file in the C original's format
   * (first line {@code # Format version: 1}, see {@link PlatformFile}) with the DPUs of
   * {@code DPU_OFFLOAD_LIST_DPUS} when that is set.
   */
  public static Topology read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TopologyException("cannot read topology file " + file + ": " + e, e);
    }
    if (PlatformFile.isPlatformFile(text)) {
      return PlatformFile.parse(text, file.toString(), DpuList.fromEnvironment()).topology();
    }
    return parse(text, file.toString());
  }

  /** Parses and validates topology JSON; {@code source} names it in error messages. */
  public static Topology parse(String text, String source) {
    return TopologyParser.parse(text, source);
  }

  /** A validated topology from JSON already in memory (errors name no line). */
  public static Topology fromJson(JsonObject json) {
    return new TopologyParser(json, "topology", Map.of()).topology();
  }

  /**
   * A topology of {@code hosts} hosts with {@code perHost} service processes each, all on
   * {@code address}; ports are taken in order from {@code ports} (rank port, then mesh port, per
   * service process). For tests and the demo, which run several "hosts" on one machine.
   */
  public static Topology uniform(int hosts, int perHost, String address, int[] ports) {
    if (hosts < 1 || perHost < 1) {
      throw new IllegalArgumentException("hosts and perHost must be >= 1, got " + hosts + ", " + perHost);
    }
    if (ports.length < 2 * hosts * perHost) {
      throw new IllegalArgumentException("need " + 2 * hosts * perHost + " ports, got " + ports.length);
    }
    JsonArray hs = new JsonArray();
    int p = 0;
    for (int h = 0; h < hosts; h++) {
      JsonArray sps = new JsonArray();
      for (int s = 0; s < perHost; s++) {
        sps.add(new JsonObject().put("rankPort", ports[p++]).put("meshPort", ports[p++]));
      }
      hs.add(new JsonObject().put("name", "host" + h).put("address", address).put("serviceProcesses", sps));
    }
    return fromJson(new JsonObject().put("hosts", hs));
  }

  /**
   * {@link #uniform} on 127.0.0.1 with ports that were free a moment ago: several "hosts" on
   * one machine (tests, the demo, the examples).
   */
  public static Topology onLoopback(int hosts, int perHost) {
    return uniform(hosts, perHost, "127.0.0.1", FreePorts.pick(2 * Math.max(hosts, 1) * Math.max(perHost, 1)));
  }

  /** At most this many service processes per rank, as in the C original ({@code MAX_SHADOW_SERVICE_PROCS}). */
  public static final int MAX_PER_RANK = 8;

  /** How many service processes serve each rank: its primary and {@code k - 1} shadows. */
  public int serviceProcessesPerRank() {
    return perRank;
  }

  /**
   * This topology with {@code k} service processes per rank.
   *
   * @throws IllegalArgumentException unless {@code 1 <= k <= min(8, service processes of any host)}
   */
  public Topology withServiceProcessesPerRank(int k) {
    return new Topology(hosts, k);
  }

  /**
   * The {@link #serviceProcessesPerRank()} service processes of local rank {@code localRank} of
   * host {@code hostId}: its primary first ({@link #serviceProcessFor}), then its shadows.
   */
  public List<ServiceProcessSpec> serviceProcessesFor(int hostId, int localRank) {
    if (localRank < 0) {
      throw new IllegalArgumentException("localRank must be >= 0, got " + localRank);
    }
    List<ServiceProcessSpec> sps = host(hostId).serviceProcesses();
    List<ServiceProcessSpec> out = new ArrayList<>(perRank);
    for (int i = 0; i < perRank; i++) {
      out.add(sps.get((localRank + i) % sps.size()));
    }
    return out;
  }

  public List<HostSpec> hosts() {
    return hosts;
  }

  /** Every service process, by global id. */
  public List<ServiceProcessSpec> serviceProcesses() {
    return serviceProcesses;
  }

  public int serviceProcessCount() {
    return serviceProcesses.size();
  }

  /** The service process with this global id. */
  public ServiceProcessSpec serviceProcess(int globalId) {
    if (globalId < 0 || globalId >= serviceProcesses.size()) {
      throw new IllegalArgumentException("no service process " + globalId + " in a topology of "
          + serviceProcesses.size());
    }
    return serviceProcesses.get(globalId);
  }

  public HostSpec host(int hostId) {
    if (hostId < 0 || hostId >= hosts.size()) {
      throw new IllegalArgumentException("no host " + hostId + " in a topology of " + hosts.size() + " hosts");
    }
    return hosts.get(hostId);
  }

  /** Ids of the hosts whose name or address is one of {@code namesOrAddresses} (to find "this host"). */
  public List<Integer> hostsMatching(Set<String> namesOrAddresses) {
    List<Integer> ids = new ArrayList<>();
    for (HostSpec h : hosts) {
      if (namesOrAddresses.contains(h.name()) || namesOrAddresses.contains(h.address())) {
        ids.add(h.id());
      }
    }
    return ids;
  }

  /** The service process serving local rank {@code localRank} of host {@code hostId}. */
  public ServiceProcessSpec serviceProcessFor(int hostId, int localRank) {
    if (localRank < 0) {
      throw new IllegalArgumentException("localRank must be >= 0, got " + localRank);
    }
    List<ServiceProcessSpec> sps = host(hostId).serviceProcesses();
    return sps.get(localRank % sps.size());
  }

  /** Global id of the service process that serves {@code rank} (from its host and local rank). */
  public int serviceProcessOf(RankInfo rank) {
    return serviceProcessFor(rank.hostId(), rank.localRank()).globalId();
  }

  /**
   * Block placement of a group of {@code ranks} ranks over the hosts: host {@code h} runs ranks
   * {@code h*k .. h*k+k-1} with {@code k = ceil(ranks / hosts)}, local rank = position on the host.
   * How the demo and the tests place ranks (a launcher's block mapping).
   */
  public RankInfo[] placeBlock(int groupId, int ranks) {
    if (ranks < 1) {
      throw new IllegalArgumentException("ranks must be >= 1, got " + ranks);
    }
    int perHost = (ranks + hosts.size() - 1) / hosts.size();
    RankInfo[] out = new RankInfo[ranks];
    for (int r = 0; r < ranks; r++) {
      int host = r / perHost;
      int localSize = Math.min(perHost, ranks - host * perHost);
      out[r] = new RankInfo(groupId, r, ranks, r % perHost, localSize, host);
    }
    return out;
  }

  public JsonObject toJson() {
    JsonArray hs = new JsonArray();
    for (HostSpec h : hosts) {
      JsonArray sps = new JsonArray();
      for (ServiceProcessSpec s : h.serviceProcesses()) {
        sps.add(new JsonObject().put("rankPort", s.rankPort()).put("meshPort", s.meshPort()));
      }
      hs.add(new JsonObject().put("name", h.name()).put("address", h.address()).put("serviceProcesses", sps));
    }
    JsonObject json = new JsonObject().put("hosts", hs);
    return perRank == 1 ? json : json.put("serviceProcessesPerRank", perRank);
  }

  @Override
  public String toString() {
    return "topology of " + hosts.size() + " hosts, " + serviceProcesses.size() + " service processes";
  }
}
