package io.offload.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The demo's summary: made from what the ranks and service processes report, printed as a table. */
final class DemoSummary {

  private DemoSummary() {
  }

  /** The demo's summary from the ranks' summaries and the service processes' peer counts. */
  static JsonObject summarize(List<JsonObject> rvs, JsonArray spPeers, double wallMs, int notifications,
      boolean processes) {
    double[] boot = new double[rvs.size()];
    List<Double> p50s = new ArrayList<>();
    List<Double> p99s = new ArrayList<>();
    JsonArray perRank = new JsonArray();
    for (int i = 0; i < rvs.size(); i++) {
      JsonObject s = rvs.get(i);
      boot[i] = s.getDouble("bootstrapMs");
      if (s.containsKey("rttP50Us")) {
        p50s.add(s.getDouble("rttP50Us"));
        p99s.add(s.getDouble("rttP99Us"));
      }
      perRank.add(s);
    }
    Stats b = Stats.of(boot);
    Stats m50 = Stats.of(p50s);
    Stats m99 = Stats.of(p99s);
    long total = 2L * notifications * rvs.size();
    return new JsonObject()
        .put("serviceProcesses", spPeers.size()).put("processes", processes).put("ranks", rvs.size()).put("notificationsPerRank", notifications)
        .put("bootstrapMs", new JsonObject().put("p50", b.percentile(50)).put("p99", b.percentile(99))
            .put("max", b.max()))
        .put("roundTripUs", new JsonObject().put("p50", m50.percentile(50)).put("p99", m99.percentile(50)))
        .put("notificationsPerSecond", total / (wallMs / 1e3))
        .put("peersPerServiceProcess", spPeers)
        .put("wallMs", wallMs)
        .put("perRank", perRank);
  }

  /** The summary as a table. */
  static void printTable(PrintStream out, JsonObject s) {
    JsonObject b = s.getJsonObject("bootstrapMs");
    JsonObject rt = s.getJsonObject("roundTripUs");
    out.println();
    out.printf("%-34s %s%n", "service processes / ranks", s.getInteger("serviceProcesses") + " / " + s.getInteger("ranks"));
    out.printf("%-34s p50 %.2f  p99 %.2f  max %.2f%n", "bootstrap per rank (ms)", b.getDouble("p50"), b.getDouble("p99"),
        b.getDouble("max"));
    out.printf("%-34s p50 %.1f  p99 %.1f  (median over ranks)%n", "notification round trip (us)", rt.getDouble("p50"),
        rt.getDouble("p99"));
    out.printf("%-34s %.0f%n", "notifications per second", s.getDouble("notificationsPerSecond"));
    out.printf("%-34s %s%n", "peers per service process", s.getJsonArray("peersPerServiceProcess").encode());
    JsonObject c = s.getJsonObject("caches");
    out.printf("%-34s %d/%d (%d entries each, digest %s)%n", "caches verified", c.getInteger("verified"),
        c.getInteger("total"), c.getInteger("entriesPerCache"), c.getString("expectedDigest"));
    if (c.getDouble("lastConnectToAllCachesMs") != null) {
      out.printf("%-34s %.1f%n", "last connect -> all caches (ms)", c.getDouble("lastConnectToAllCachesMs"));
    }
    c.getJsonArray("wrong").forEach(w -> out.println("  cache wrong: " + w));
  }
}
