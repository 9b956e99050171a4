package io.offload.topology;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link Topology} from its JSON: walks the tree, validating each field; errors name the field
 * and its line. Kept apart from the value type, which only answers placement questions.
 *
 * <p>Thread safety: one instance per parse, confined to the caller.
 */
final class TopologyParser {
  private final JsonObject root;
  private final String source;
  private final Map<String, Integer> lines;


  /** Parses and validates topology JSON; {@code source} names it in error messages. */
  static Topology parse(String text, String source) {
    Map<String, Integer> lines = lineIndex(text, source);
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new TopologyException(source + ": not a JSON object: " + e.getMessage(), e);
    }
    return new TopologyParser(json, source, lines).topology();
  }

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

  TopologyParser(JsonObject root, String source, Map<String, Integer> lines) {
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
    Object k = root.getValue("serviceProcessesPerRank");
    if (k == null) {
      return new Topology(hosts);
    }
    if (!(k instanceof Integer || k instanceof Long)) {
      throw error("/serviceProcessesPerRank", "serviceProcessesPerRank", "must be a whole number, got " + k);
    }
    try {
      return new Topology(hosts, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
          ((Number) k).longValue())));
    } catch (IllegalArgumentException e) {
      throw error("/serviceProcessesPerRank", "serviceProcessesPerRank",
          e.getMessage().substring("serviceProcessesPerRank ".length()));
    }
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
