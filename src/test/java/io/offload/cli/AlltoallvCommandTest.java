package io.offload.cli;

import io.offload.testkit.Jvm;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code offload alltoallv} as a process: both alltoallvs exact, their numbers and ratios, in one JVM and in many. */
class AlltoallvCommandTest {

  static void assertBothExact(JsonObject s, int ranks, int iterations) {
    for (String way : new String[] {"offloaded", "direct"}) {
      JsonObject m = s.getJsonObject(way);
      assertEquals(0L, m.getLong("wrongBytes"), way + ": " + m.encode());
      assertEquals(1.0, m.getDouble("exactness"), way);
      assertTrue(m.getLong("checkedBytes") > 0, way + " checked nothing: " + m.encode());
      assertTrue(m.getDouble("completionP50Us") > 0 && m.getDouble("completionP99Us") >= m.getDouble("completionP50Us"),
          m.encode());
      assertTrue(m.getDouble("bandwidthGBps") > 0 && m.getDouble("rankCpuMeanUs") > 0, m.encode());
      assertEquals(ranks, m.getJsonArray("rankCpuMeanUsPerRank").size());
    }
    assertEquals(ranks, s.getInteger("ranks"));
    assertEquals(iterations, s.getInteger("iterations"));
    assertTrue(s.getJsonObject("ratios").getDouble("completionP50") > 0, s.encode());
  }

  @Test
  void shouldRunBothAlltoallvsExactlyInOneJvm() throws Exception {
    try (Jvm a = Jvm.offload("alltoallv", "alltoallv", "--ranks", "5", "--service-processes", "2", "--bytes", "3000",
        "--iterations", "3", "--warmup", "1", "--json")) {
      assertEquals(0, a.awaitExit(120, TimeUnit.SECONDS), a.output());
      assertBothExact(CliTest.jsonLine(a), 5, 3);
    }
  }

  @Test
  void shouldRunBothAlltoallvsExactlyWithAJvmPerProcess() throws Exception {
    try (Jvm a = Jvm.offload("alltoallv", "alltoallv", "--ranks", "3", "--service-processes", "1", "--hosts", "2",
        "--bytes", "2000", "--iterations", "2", "--warmup", "0", "--processes", "--json")) {
      assertEquals(0, a.awaitExit(180, TimeUnit.SECONDS), a.output());
      JsonObject s = CliTest.jsonLine(a);
      assertBothExact(s, 3, 2);
      assertTrue(s.getJsonObject("offloaded").getDouble("processCpuMeanUs") > 0, s.encode());
      assertTrue(s.getJsonObject("ratios").containsKey("processCpuMean"), s.encode());
    }
  }

  @Test
  void shouldRefuseBadOptionsWithExitCode2() throws Exception {
    try (Jvm a = Jvm.offload("alltoallv", "alltoallv", "--ranks", "0")) {
      assertEquals(2, a.awaitExit(60, TimeUnit.SECONDS), a.output());
      assertTrue(a.output().contains("--ranks"), a.output());
    }
  }
}
