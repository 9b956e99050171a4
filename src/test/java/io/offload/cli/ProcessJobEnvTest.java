package io.offload.cli;

import io.offload.ucx.UcxSignals;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every JVM the demo starts has UCX's error-signal handlers off (issue 16, fault 3). */
class ProcessJobEnvTest {

  @Test
  void shouldStartEveryChildWithUcxErrorSignalsOff() {
    try (ProcessJob job = new ProcessJob()) {
      ProcessBuilder pb = job.builder(List.of("rank", "--help"));
      assertEquals("", pb.environment().get(UcxSignals.VARIABLE));
    }
  }

  @Test
  void shouldAddJvmFlagsOnlyToTheJobThatAsksForThem() {
    try (ProcessJob plain = new ProcessJob(); ProcessJob sooner = new ProcessJob().jvmFlags(ProcessJob.COMPILE_SOONER)) {
      List<String> cmd = sooner.builder(List.of("rank", "--help")).command();
      assertTrue(cmd.containsAll(ProcessJob.JVM_FLAGS) && cmd.containsAll(ProcessJob.COMPILE_SOONER), "" + cmd);
      assertTrue(cmd.indexOf(ProcessJob.COMPILE_SOONER.get(0)) < cmd.indexOf(OffloadCli.class.getName()),
          "a JVM flag, before the main class: " + cmd);
      assertFalse(plain.builder(List.of("rank", "--help")).command().containsAll(ProcessJob.COMPILE_SOONER));
    }
  }

  @Test
  void shouldLetChildrenSleepWhenIdleOnlyWhenTheJobHasMoreProcessesThanCores() {
    int cores = Runtime.getRuntime().availableProcessors();
    try (ProcessJob fits = new ProcessJob(1000, cores); ProcessJob over = new ProcessJob(1000, cores + 1)) {
      assertFalse(fits.rankOptions().contains("--progress-spin-us"), "" + fits.rankOptions());
      assertFalse(fits.serviceOptions().contains("--progress-spin-us"), "" + fits.serviceOptions());
      assertEquals(List.of(), fits.idlePolicy());
      assertEquals(List.of("--progress-spin-us", "0"), over.idlePolicy());
      for (List<String> options : List.of(over.rankOptions(), over.serviceOptions())) {
        int at = options.indexOf("--progress-spin-us");
        assertTrue(at >= 0 && "0".equals(options.get(at + 1)), "" + options);
      }
    }
  }

  @Test
  void shouldGiveEveryChildAnExplicitSpinWindowWhateverTheJobsSize() {
    int cores = Runtime.getRuntime().availableProcessors();
    try (ProcessJob over = new ProcessJob(1000, cores + 1).spinMicros(250L);
        ProcessJob asConfigured = new ProcessJob(1000).spinMicros(null)) {
      assertEquals(List.of("--progress-spin-us", "250"), over.idlePolicy());
      int at = over.serviceOptions().indexOf("--progress-spin-us");
      assertTrue(at >= 0 && "250".equals(over.serviceOptions().get(at + 1)), "" + over.serviceOptions());
      assertEquals(List.of(), asConfigured.idlePolicy()); // alltoallv's default: the engines' own window
    }
  }
}
