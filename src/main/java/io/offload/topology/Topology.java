package io.offload.topology;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
 * Invalid files fail with a {@link TopologyException} naming the file, line and field.
 *
 * <p>Immutable; thread safe.
 */
public final class Topology {

  private final List<HostSpec> hosts;
  private final List<ServiceProcessSpec> serviceProcesses;

  Topology(List<HostSpec> hosts) {
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
    Map<String, Integer> lines = lineIndex(text, source);
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new TopologyException(source + ": not a JSON object: " + e.getMessage(), e);
    }
    return new Parser(json, source, lines).topology();
  }

  /** A validated topology from JSON already in memory (errors name no line). */
  public static Topology fromJson(JsonObject json) {
    return new Parser(json, "topology", Map.of()).topology();
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
    return new JsonObject().put("hosts", hs);
  }

  @Override
  public String toString() {
    return "topology of " + hosts.size() + " hosts, " + serviceProcesses.size() + " service processes";
  }

  // ------------------------------------------------------------------ parsing

  /**
   * JSON pointer of every value → its line, for error messages; syntax errors and duplicate keys
   * (which a JSON tree would silently resolve as "last wins") fail here with the line.
   */
  private static Map<String, Integer> lineIndex(String text, String source) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = new JsonFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.END_ARRAY && t != JsonToken.END_OBJECT) {
          lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
        }
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      String m = e.getOriginalMessage();
      if (m != null && m.startsWith("Duplicate field '")) {
        throw new TopologyException(source + ":" + line + ": duplicate key '"
            + m.substring("Duplicate field '".length(), m.indexOf('\'', "Duplicate field '".length())) + "'", e);
      }
      throw new TopologyException(source + ":" + line + ": invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TopologyException(source + ": cannot parse: " + e, e);
    }
    return lines;
  }

  /** Walks the JSON tree, validating each field; errors name the field and its line. */
  private static final class Parser {
    private final JsonObject root;
    private final String source;
    private final Map<String, Integer> lines;

    Parser(JsonObject root, String source, Map<String, Integer> lines) {
      this.root = root;
      this.source = source;
      this.lines = lines;
    }

    Topology topology() {
      JsonArray hostArray = array(root, "hosts", "", "/hosts");
      if (hostArray.isEmpty()) {
        throw error("/hosts", "hosts", "must list at least one host");
      }
      List<HostSpec> hosts = new ArrayList<>();
      Set<String> endpoints = new HashSet<>();
      Set<String> names = new HashSet<>();
      int global = 0;
      for (int h = 0; h < hostArray.size(); h++) {
        String hp = "/hosts/" + h;
        String hf = "hosts[" + h + "]";
        JsonObject host = object(hostArray.getValue(h), hf, hp);
        String name = string(host, "name", hf, hp, "host" + h);
        if (!names.add(name)) {
          throw error(hp + "/name", hf + ".name", "duplicate host name '" + name + "'");
        }
        String address = string(host, "address", hf, hp, null);
        JsonArray spArray = array(host, "serviceProcesses", hf, hp + "/serviceProcesses");
        if (spArray.isEmpty()) {
          throw error(hp + "/serviceProcesses", hf + ".serviceProcesses", "must list at least one service process");
        }
        List<ServiceProcessSpec> sps = new ArrayList<>();
        for (int s = 0; s < spArray.size(); s++) {
          String sp = hp + "/serviceProcesses/" + s;
          String sf = hf + ".serviceProcesses[" + s + "]";
          JsonObject o = object(spArray.getValue(s), sf, sp);
          int rankPort = port(o, "rankPort", sf, sp);
          int meshPort = port(o, "meshPort", sf, sp);
          if (!endpoints.add(address + ":" + rankPort)) {
            throw error(sp + "/rankPort", sf + ".rankPort", address + ":" + rankPort + " is used twice");
          }
          if (!endpoints.add(address + ":" + meshPort)) {
            throw error(sp + "/meshPort", sf + ".meshPort", address + ":" + meshPort + " is used twice");
          }
          sps.add(new ServiceProcessSpec(global++, s, h, address, rankPort, meshPort));
        }
        hosts.add(new HostSpec(h, name, address, sps));
      }
      return new Topology(hosts);
    }

    private JsonArray array(JsonObject o, String key, String parent, String pointer) {
      Object v = o.getValue(key);
      String field = parent.isEmpty() ? key : parent + "." + key;
      if (v == null) {
        throw error(parentPointer(pointer), field, "is missing (a JSON array)");
      }
      if (!(v instanceof JsonArray a)) {
        throw error(pointer, field, "must be a JSON array, got " + v);
      }
      return a;
    }

    private JsonObject object(Object v, String field, String pointer) {
      if (!(v instanceof JsonObject o)) {
        throw error(pointer, field, "must be a JSON object, got " + v);
      }
      return o;
    }

    private String string(JsonObject o, String key, String parent, String pointer, String dflt) {
      Object v = o.getValue(key);
      if (v == null && dflt != null) {
        return dflt;
      }
      if (v == null) {
        throw error(pointer, parent + "." + key, "is missing (a string)");
      }
      if (!(v instanceof String s) || s.isBlank()) {
        throw error(pointer + "/" + key, parent + "." + key, "must be a non-empty string, got " + v);
      }
      return s;
    }

    private int port(JsonObject o, String key, String parent, String pointer) {
      Object v = o.getValue(key);
      if (v == null) {
        throw error(pointer, parent + "." + key, "is missing (a port number)");
      }
      if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 1
          || ((Number) v).longValue() > 65535) {
        throw error(pointer + "/" + key, parent + "." + key, "must be a port in [1, 65535], got " + v);
      }
      return ((Number) v).intValue();
    }

    private static String parentPointer(String pointer) {
      int slash = pointer.lastIndexOf('/');
      return slash <= 0 ? "" : pointer.substring(0, slash);
    }

    private TopologyException error(String pointer, String field, String what) {
      Integer line = lines.get(pointer);
      return new TopologyException(source + (line == null ? "" : ":" + line) + ": " + field + " " + what);
    }
  }
}
