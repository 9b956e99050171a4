package io.offload.fault;

import io.offload.testkit.LaunchStress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Real rank JVMs launched against a real service process: none crashes, none hangs (issue 16,
 * fault 3). CI-sized (20); {@code -Doffload.stress.launches=1000} (and
 * {@code -Doffload.stress.parallel}, {@code -Doffload.stress.hangSeconds}) for a manual run.
 */
class LaunchStressTest {

  @Test
  @Timeout(value = 6, unit = TimeUnit.HOURS) // each launch is bounded by the hang limit; this only backs it up
  void shouldLaunchRanksWithoutCrashesOrHangs() throws Exception {
    int launches = Integer.getInteger("offload.stress.launches", 20);
    int parallel = Integer.getInteger("offload.stress.parallel", 2);
    long hang = Long.getLong("offload.stress.hangSeconds", 90);
    LaunchStress.Result r = LaunchStress.run(launches, parallel, hang, Map.of(), Path.of("target", "stress"));
    System.out.println(r.summary());
    assertEquals(0, r.crashes() + r.hangs() + r.failed(), r.summary());
    assertEquals(launches, r.ok(), r.summary());
  }
}
