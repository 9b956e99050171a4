package io.offload.cli;

import io.offload.ucx.UcxSignals;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every JVM the demo starts has UCX's error-signal handlers off (issue 16, fault 3). */
class ProcessJobEnvTest {

  @Test
  void shouldStartEveryChildWithUcxErrorSignalsOff() {
    try (ProcessJob job = new ProcessJob()) {
      ProcessBuilder pb = job.builder(List.of("rank", "--help"));
      assertEquals("", pb.environment().get(UcxSignals.VARIABLE));
    }
  }
}
