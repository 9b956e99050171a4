package io.offload.verticles;

import io.offload.topology.Topology;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/** Reads the {@code topology} entry of a verticle config: a file path, or the topology JSON itself. */
final class TopologyConfig {

  private TopologyConfig() {
  }

  /** The topology of {@code conf}, or null when it has none. */
  static Topology of(JsonObject conf) {
    Object t = conf.getValue("topology");
    if (t == null) {
      return null;
    }
    if (t instanceof String path) {
      return Topology.read(Path.of(path));
    }
    if (t instanceof JsonObject json) {
      return Topology.fromJson(json);
    }
    throw new IllegalArgumentException("config field 'topology' must be a file path or a JSON object, got " + t);
  }
}
