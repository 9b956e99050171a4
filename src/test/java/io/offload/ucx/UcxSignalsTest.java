package io.offload.ucx;

import io.offload.testkit.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM must not die from UCX's error-signal handlers (issue 16, fault 3). The storm child
 * ({@link SignalStorm}) makes the window where UCX's handlers are installed certain to be hit;
 * the control run with UCX's default signals shows the test sees the fault.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UcxSignalsTest {

  @Test
  void shouldSurviveTheJvmsOwnSignalsWhileUcxLoadsInEveryChildTheTestsStart() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (Jvm child = Jvm.start("storm-" + i, SignalStorm.class.getName(), List.of())) {
        int code = child.awaitExit(120, TimeUnit.SECONDS);
        assertEquals(0, code, "launch " + i + " died:\n" + child.output());
        assertTrue(child.output().contains("survived"), child.output());
        assertFalse(child.output().contains("Caught signal"), "UCX caught a signal:\n" + child.output());
      }
    }
  }

  @Test
  void shouldDieWithUcxsDefaultSignalsSoTheStormIsAFairTest() throws Exception {
    // the window is short: a crash in most launches here, so a few launches make one certain
    StringBuilder outputs = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      try (Jvm child = Jvm.start("storm-default-" + i, SignalStorm.class.getName(), List.of(),
          Map.of(UcxSignals.VARIABLE, "ILL,SEGV,BUS,FPE"))) {
        int code = child.awaitExit(120, TimeUnit.SECONDS);
        // UCX's handler caught a signal the JVM raised on purpose: seen even when the JVM survived it
        if (child.output().contains("Caught signal 11")) {
          return;
        }
        assertEquals(0, code, "a storm launch failed without UCX catching a signal:\n" + child.output());
        outputs.append(child.output()).append('\n');
      }
    }
    throw new AssertionError("20 launches with UCX's default error signals survived the storm: the test cannot see "
        + "the fault\n" + outputs);
  }

  @Test
  void shouldTurnTheHandlersOffInAChildsEnvironmentUnlessTheUserSetThem() {
    Map<String, String> env = new HashMap<>();
    UcxSignals.protect(env);
    assertEquals("", env.get(UcxSignals.VARIABLE));
    assertTrue(UcxSignals.isProtected(env));
    Map<String, String> chosen = new HashMap<>(Map.of(UcxSignals.VARIABLE, "BUS"));
    UcxSignals.protect(chosen);
    assertEquals("BUS", chosen.get(UcxSignals.VARIABLE), "a user's choice is kept");
    assertFalse(UcxSignals.isProtected(chosen));
    assertFalse(UcxSignals.isProtected(Map.of()));
  }
}
