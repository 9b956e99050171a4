package io.offload.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.util.List;

/**
 * The summary of {@code offload alltoallv} from every rank's measurements: per way (offloaded,
 * direct) the completion time of each iteration (the slowest rank's, each rank timing from its
 * own start after the barrier) at p50 and p99, the bandwidth at p50 (bytes the whole group moves
 * per alltoallv / p50 time), each rank's CPU time during the operation (its own threads; with a
 * JVM per rank also its whole process), p50 and mean over ranks and iterations, and the exactness
 * of every byte received; then the ratios offloaded/direct.
 */
final class AlltoallvReport {

  private AlltoallvReport() {
  }

  static JsonObject summarize(List<JsonObject> ranks, AlltoallvPlan plan, JsonObject setup) {
    boolean processes = setup.getBoolean("processes");
    JsonObject off = mode(ranks, "offloaded", plan, processes);
    JsonObject dir = mode(ranks, "direct", plan, processes);
    JsonObject ratios = new JsonObject()
        .put("completionP50", off.getDouble("completionP50Us") / dir.getDouble("completionP50Us"))
        .put("completionP99", off.getDouble("completionP99Us") / dir.getDouble("completionP99Us"))
        .put("rankCpuMean", off.getDouble("rankCpuMeanUs") / dir.getDouble("rankCpuMeanUs"))
        .put("rankCpuP50", off.getDouble("rankCpuP50Us") / dir.getDouble("rankCpuP50Us"));
    if (processes) {
      ratios.put("processCpuMean", off.getDouble("processCpuMeanUs") / dir.getDouble("processCpuMeanUs"));
    }
    return setup.copy().put("bytesPerAlltoallv", plan.totalBytes()).put("offloaded", off).put("direct", dir)
        .put("ratios", ratios);
  }

  private static JsonObject mode(List<JsonObject> ranks, String name, AlltoallvPlan plan, boolean processes) {
    int iterations = ranks.get(0).getJsonObject(name).getJsonArray("nanos").size();
    double[] completion = new double[iterations];
    long checked = 0;
    long wrong = 0;
    JsonArray firstWrong = new JsonArray();
    for (JsonObject rank : ranks) {
      JsonObject m = rank.getJsonObject(name);
      JsonArray ns = m.getJsonArray("nanos");
      for (int i = 0; i < iterations; i++) {
        completion[i] = Math.max(completion[i], ns.getLong(i) / 1e3);
      }
      checked += m.getLong("checkedBytes");
      wrong += m.getLong("wrongBytes");
      if (m.containsKey("firstWrong")) {
        firstWrong.add(m.getString("firstWrong"));
      }
    }
    Stats t = Stats.of(completion);
    double p50 = t.percentile(50);
    JsonObject out = new JsonObject().put("completionP50Us", p50).put("completionP99Us", t.percentile(99))
        .put("bandwidthGBps", plan.totalBytes() / (p50 * 1e3));
    cpu(out, "rankCpu", ranks, name, "cpuNanos", iterations);
    if (processes) {
      cpu(out, "processCpu", ranks, name, "processCpuNanos", iterations);
    }
    return out.put("checkedBytes", checked).put("wrongBytes", wrong)
        .put("exactness", checked == 0 ? 1.0 : (double) (checked - wrong) / checked).put("firstWrong", firstWrong);
  }

  /** p50 and mean over ranks and iterations of one CPU series, and each rank's mean. */
  private static void cpu(JsonObject out, String prefix, List<JsonObject> ranks, String name, String key, int iterations) {
    double[] all = new double[iterations * ranks.size()];
    double sum = 0;
    JsonArray perRank = new JsonArray();
    for (int r = 0; r < ranks.size(); r++) {
      JsonArray a = ranks.get(r).getJsonObject(name).getJsonArray(key);
      double mine = 0;
      for (int i = 0; i < iterations; i++) {
        all[r * iterations + i] = a.getLong(i) / 1e3;
        mine += all[r * iterations + i];
      }
      sum += mine;
      perRank.add(Math.round(mine / iterations));
    }
    out.put(prefix + "P50Us", Stats.of(all).percentile(50)).put(prefix + "MeanUs", sum / all.length)
        .put(prefix + "MeanUsPerRank", perRank);
  }

  static void print(JsonObject s, PrintStream out) {
    boolean processes = s.getBoolean("processes");
    out.printf("%nalltoallv: %d ranks, %d service processes (%s), %d iterations after %d warm-up, mean %d B per "
            + "non-empty pair (1 pair in 8 empty), %d B per alltoallv%n", s.getInteger("ranks"),
        s.getInteger("serviceProcesses"), processes ? "one JVM each" : "one JVM",
        s.getInteger("iterations"), s.getInteger("warmup"), s.getInteger("bytes"), s.getLong("bytesPerAlltoallv"));
    out.printf("%-10s %12s %12s %8s %16s %16s%s %10s%n", "", "p50 (us)", "p99 (us)", "GB/s", "rank CPU p50 (us)",
        "rank CPU mean", processes ? String.format(" %17s", "process CPU mean") : "", "exact");
    for (String name : new String[] {"offloaded", "direct"}) {
      JsonObject m = s.getJsonObject(name);
      out.printf("%-10s %12.1f %12.1f %8.3f %16.1f %16.1f%s %9.4f%%%n", name, m.getDouble("completionP50Us"),
          m.getDouble("completionP99Us"), m.getDouble("bandwidthGBps"), m.getDouble("rankCpuP50Us"),
          m.getDouble("rankCpuMeanUs"), processes ? String.format(" %17.1f", m.getDouble("processCpuMeanUs")) : "",
          100 * m.getDouble("exactness"));
      m.getJsonArray("firstWrong").forEach(w -> out.println("  wrong: " + w));
    }
    JsonObject r = s.getJsonObject("ratios");
    out.printf("offloaded / direct: completion p50 %.2fx, p99 %.2fx; rank CPU during the operation mean %.3fx, "
            + "p50 %.3fx%s%n", r.getDouble("completionP50"), r.getDouble("completionP99"), r.getDouble("rankCpuMean"),
        r.getDouble("rankCpuP50"), processes ? String.format("; process CPU mean %.3fx", r.getDouble("processCpuMean"))
            : "");
  }
}
