package io.offload.bench;

import io.offload.bench.micro.CodecBenchmarks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

import java.io.PrintStream;
import java.util.Collection;

/** Runs the JMH micro-benchmarks (one forked JVM each) and returns median/p99 per operation. */
final class Micro {

  private Micro() {
  }

  static JsonArray run(Plan plan, PrintStream log) throws Exception {
    var options = new OptionsBuilder()
        .include(CodecBenchmarks.class.getName())
        .forks(plan.quick() ? 0 : 1) // --quick: in this JVM, no fork per benchmark
        .warmupIterations(plan.quick() ? 1 : 3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(plan.quick() ? 1 : 5)
        .measurementTime(TimeValue.seconds(1))
        .jvmArgs("-Xms256m", "-Xmx256m")
        .addProfiler(GCProfiler.class) // alloc B/op: the hot path must allocate nothing
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options, OutputFormatFactory.createFormatInstance(log,
        VerboseMode.SILENT)).run();
    JsonArray out = new JsonArray();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      Statistics s = r.getPrimaryResult().getStatistics();
      out.add(new JsonObject().put("name", name.substring(name.lastIndexOf('.') + 1))
          .put("p50Ns", s.getPercentile(50)).put("p99Ns", s.getPercentile(99)).put("meanNs", s.getMean())
          .put("samples", s.getN()).put("allocBytesPerOp", allocPerOp(r)));
    }
    return out;
  }

  /** JMH's {@code gc.alloc.rate.norm} (bytes allocated per operation), NaN when absent. */
  private static double allocPerOp(RunResult r) {
    var secondary = r.getSecondaryResults().get("·gc.alloc.rate.norm");
    if (secondary == null) {
      secondary = r.getSecondaryResults().get("gc.alloc.rate.norm");
    }
    return secondary == null ? Double.NaN : secondary.getScore();
  }
}
