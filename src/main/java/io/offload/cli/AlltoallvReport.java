package io.offload.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.util.List;

/**
 * The summary of {@code offload alltoallv} from every rank's measurements: per way (offloaded,
 * direct) the completion time of each iteration (the slowest rank's, each rank timing from its
 * own start after the barrier) at p50 and p99, the bandwidth at p50 (bytes the whole group moves
 * per alltoallv / p50 time), each rank's CPU time during the operation (p50 and mean over ranks
 * and iterations), and the exactness of every byte received; then the ratios offloaded/direct.
 */
final class AlltoallvReport {

  private AlltoallvReport() {
  }

  static JsonObject summarize(List<JsonObject> ranks, AlltoallvPlan plan, JsonObject setup) {
    JsonObject off = mode(ranks, "offloaded", plan);
    JsonObject dir = mode(ranks, "direct", plan);
    JsonObject ratios = new JsonObject()
        .put("completionP50", off.getDouble("completionP50Us") / dir.getDouble("completionP50Us"))
        .put("completionP99", off.getDouble("completionP99Us") / dir.getDouble("completionP99Us"))
        .put("rankCpuMean", off.getDouble("rankCpuMeanUs") / dir.getDouble("rankCpuMeanUs"));
    return setup.copy().put("bytesPerAlltoallv", plan.totalBytes()).put("offloaded", off).put("direct", dir)
        .put("ratios", ratios);
  }

  private static JsonObject mode(List<JsonObject> ranks, String name, AlltoallvPlan plan) {
    int iterations = ranks.get(0).getJsonObject(name).getJsonArray("nanos").size();
    double[] completion = new double[iterations];
    double[] cpu = new double[iterations * ranks.size()];
    double cpuSum = 0;
    long checked = 0;
    long wrong = 0;
    JsonArray firstWrong = new JsonArray();
    for (int r = 0; r < ranks.size(); r++) {
      JsonObject m = ranks.get(r).getJsonObject(name);
      JsonArray ns = m.getJsonArray("nanos");
      JsonArray cn = m.getJsonArray("cpuNanos");
      for (int i = 0; i < iterations; i++) {
        completion[i] = Math.max(completion[i], ns.getLong(i) / 1e3);
        cpu[r * iterations + i] = cn.getLong(i) / 1e3;
        cpuSum += cpu[r * iterations + i];
      }
      checked += m.getLong("checkedBytes");
      wrong += m.getLong("wrongBytes");
      if (m.containsKey("firstWrong")) {
        firstWrong.add(m.getString("firstWrong"));
      }
    }
    Stats t = Stats.of(completion);
    Stats c = Stats.of(cpu);
    double p50 = t.percentile(50);
    return new JsonObject().put("completionP50Us", p50).put("completionP99Us", t.percentile(99))
        .put("bandwidthGBps", plan.totalBytes() / (p50 * 1e3))
        .put("rankCpuP50Us", c.percentile(50)).put("rankCpuMeanUs", cpuSum / cpu.length)
        .put("checkedBytes", checked).put("wrongBytes", wrong)
        .put("exactness", checked == 0 ? 1.0 : (double) (checked - wrong) / checked)
        .put("firstWrong", firstWrong);
  }

  static void print(JsonObject s, PrintStream out) {
    out.printf("%nalltoallv: %d ranks, %d service processes (%s), %d iterations after %d warm-up, mean %d B per "
            + "non-empty pair (1 pair in 8 empty), %d B per alltoallv%n", s.getInteger("ranks"),
        s.getInteger("serviceProcesses"), s.getBoolean("processes") ? "one JVM each" : "one JVM",
        s.getInteger("iterations"), s.getInteger("warmup"), s.getInteger("bytes"), s.getLong("bytesPerAlltoallv"));
    out.printf("%-10s %14s %14s %12s %14s %14s %10s%n", "", "p50 (us)", "p99 (us)", "GB/s", "rank CPU p50", "CPU mean",
        "exact");
    for (String name : new String[] {"offloaded", "direct"}) {
      JsonObject m = s.getJsonObject(name);
      out.printf("%-10s %14.1f %14.1f %12.3f %11.1f us %11.1f us %9.4f%%%n", name, m.getDouble("completionP50Us"),
          m.getDouble("completionP99Us"), m.getDouble("bandwidthGBps"), m.getDouble("rankCpuP50Us"),
          m.getDouble("rankCpuMeanUs"), 100 * m.getDouble("exactness"));
      m.getJsonArray("firstWrong").forEach(w -> out.println("  wrong: " + w));
    }
    JsonObject r = s.getJsonObject("ratios");
    out.printf("offloaded / direct: completion p50 %.2fx, p99 %.2fx; rank CPU during the operation %.3fx%n",
        r.getDouble("completionP50"), r.getDouble("completionP99"), r.getDouble("rankCpuMean"));
  }
}
