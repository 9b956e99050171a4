package io.offload.ucx.impl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The periodic wake-up's rule, driven by hand: every tick while a task waits, else every 5th. */
class PeriodicWakeTest {

  @Test
  void anIdleWorkerIsWokenEveryFifthTickOnly() {
    PeriodicWake wake = new PeriodicWake(new ProgressTasks());
    int woken = 0;
    for (int tick = 1; tick <= 20; tick++) {
      boolean now = wake.tick();
      assertEquals(tick % PeriodicWake.ANYWAY_EVERY == 0, now, "tick " + tick);
      woken += now ? 1 : 0;
    }
    assertEquals(4, woken);
  }

  @Test
  void aWaitingTaskWakesItAtEveryTickUntilItRuns() {
    ProgressTasks tasks = new ProgressTasks();
    PeriodicWake wake = new PeriodicWake(tasks);
    assertFalse(wake.tick());
    tasks.offerRemote(() -> { });
    assertTrue(wake.tick(), "a task from another thread waits: its wake-up may have been lost");
    assertTrue(wake.tick());
    assertEquals(1, tasks.run());
    assertFalse(wake.tick(), "the task ran: nothing waits");
  }
}
