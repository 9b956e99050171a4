package io.offload.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --progress-spin-us}: how long an engine's UCX progress thread busy-spins after its last
 * work before it sleeps. A picocli mixin of the commands that run one engine ({@code rank},
 * {@code service}, {@code alltoallv-rank}); {@code alltoallv} declares its own, for every engine of
 * its run, and shares {@link #check} and {@link #apply}.
 */
final class SpinWindow {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--progress-spin-us", paramLabel = "US", description = "How long the UCX progress thread "
      + "busy-spins after its last work before it sleeps, in µs (default: the engine's, 1000). 0 sleeps at once: for "
      + "a machine with more processes than cores, where spinning takes the cores the others need.")
  Long micros;

  /** Refuses a bad value with one line (exit 2); call before anything else runs. */
  void check() {
    check(spec, micros);
  }

  /** {@code engine} with the window when it was given. */
  JsonObject applyTo(JsonObject engine) {
    return apply(engine, micros);
  }

  static void check(CommandSpec spec, Long micros) {
    if (micros != null) {
      Usage.range(spec, "--progress-spin-us", micros, 0, Long.MAX_VALUE);
    }
  }

  /** {@code --progress-spin-us}, when given, as the engine's {@code progressSpinMicros}. */
  static JsonObject apply(JsonObject engine, Long micros) {
    return micros == null ? engine : engine.put("progressSpinMicros", micros);
  }
}
