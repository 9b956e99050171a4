package io.offload.bootstrap.impl;

import io.offload.bootstrap.impl.BootstrapSteps.State;
import io.offload.bootstrap.impl.BootstrapSteps.Step;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a bootstrap stands, as error messages report it ("stalled at CLIENT_ADDRESS"). */
class BootstrapStepsTest {

  @Test
  void shouldStartWithEveryStepNotStartedAndTheSocketFirst() {
    BootstrapSteps s = new BootstrapSteps();
    for (Step step : Step.values()) {
      assertEquals(State.NOT_STARTED, s.state(step));
      assertFalse(s.isDone(step));
    }
    assertEquals(Step.SOCKET, s.current());
    assertEquals("at step SOCKET", s.where());
  }

  @Test
  void shouldNameTheStepInProgressThenTheFirstNotStartedSkippingAuth() {
    BootstrapSteps s = new BootstrapSteps();
    s.done(Step.SOCKET);
    s.start(Step.HELLO);
    assertEquals(Step.HELLO, s.current());
    s.done(Step.HELLO);
    assertEquals(Step.SERVER_INFO, s.current(), "AUTH not started: no secret, not a step of this bootstrap");
    s.start(Step.AUTH);
    assertEquals(Step.AUTH, s.current(), "once started it is");
    s.done(Step.AUTH);
    s.done(Step.SERVER_INFO);
    s.start(Step.PROBE_OUT); // in progress while an earlier step has not started: the one in progress counts
    assertEquals(Step.PROBE_OUT, s.current());
    s.done(Step.PROBE_OUT);
    assertEquals(Step.CLIENT_ADDRESS, s.current());
  }

  @Test
  void shouldNameAFailedStep() {
    BootstrapSteps s = new BootstrapSteps();
    s.done(Step.SOCKET);
    s.done(Step.HELLO);
    s.failed(Step.AUTH);
    assertEquals(State.FAILED, s.state(Step.AUTH));
    assertEquals(Step.AUTH, s.current());
    assertEquals("at step AUTH", s.where());
  }

  @Test
  void shouldSayWhenEveryStepIsDone() {
    BootstrapSteps s = new BootstrapSteps();
    for (Step step : Step.values()) {
      if (step != Step.AUTH) {
        s.done(step);
      }
    }
    assertNull(s.current());
    assertEquals("after the bootstrap (all steps done)", s.where());
    assertTrue(s.toString().contains("PROBE_IN=DONE"), s.toString());
  }
}
