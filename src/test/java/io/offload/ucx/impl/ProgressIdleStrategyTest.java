package io.offload.ucx.impl;

import io.offload.ucx.UcxOptions;


import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The idle strategy decides by time since the last work, stepped here with a clock of our own. */
class ProgressIdleStrategyTest {

  private long now;
  private int slept;

  private ProgressIdleStrategy strategy(long spin, long yield) {
    return new ProgressIdleStrategy(spin, yield, () -> now, () -> slept++, new SpinBudget(1));
  }

  @Test
  void shouldNeverSleepWithinTheWindowAfterWorkHowEverManyIdlePassesThereAre() {
    ProgressIdleStrategy s = strategy(100_000, 900_000);
    s.idle(1);
    for (int i = 0; i < 1_000_000; i++) { // a count-based policy would have slept long ago
      s.idle(0);
    }
    for (int i = 0; i < 99_999; i++) { // 1 ms of passes 10 ns apart, minus one
      now += 10;
      s.idle(0);
    }
    now += 9;
    s.idle(0);
    assertEquals(0, slept, "1 ms window not over yet");
    now += 1;
    s.idle(0);
    assertEquals(1, slept, "window over: sleeps");
    assertEquals(1, s.sleeps());
  }

  @Test
  void shouldRestartTheWindowOnWorkAndAfterWakingUp() {
    ProgressIdleStrategy s = strategy(10, 10);
    now = 19;
    s.idle(0);
    assertEquals(0, slept);
    s.idle(3); // work at t=19
    now = 38;
    s.idle(0);
    assertEquals(0, slept, "19 ns after work: still yielding");
    now = 39;
    s.idle(0);
    assertEquals(1, slept);
    now = 40;
    s.idle(0);
    assertEquals(1, slept, "just woken: a fresh window");
  }

  @Test
  void shouldNotCountTimeTheThreadWasDescheduledAgainstTheWindow() {
    ProgressIdleStrategy s = strategy(100_000, 0);
    s.idle(1);
    now += 5_000_000; // 5 ms without a pass: the thread was not running
    s.idle(0);
    assertEquals(0, slept, "back from being descheduled: spins for the reply first");
    for (int i = 0; i < 9_999; i++) {
      now += 10;
      s.idle(0);
    }
    assertEquals(0, slept, "99.99 us of running time");
    now += 20;
    s.idle(0);
    assertEquals(1, slept, "100 us of running time since the last work: sleeps");
  }

  @Test
  void shouldYieldInsteadOfSpinningWhenOtherThreadsHoldEveryPlaceToSpin() {
    SpinBudget budget = new SpinBudget(1);
    int[] sleptB = {0};
    ProgressIdleStrategy a = new ProgressIdleStrategy(100_000, 0, () -> now, () -> slept++, budget);
    ProgressIdleStrategy b = new ProgressIdleStrategy(100_000, 0, () -> now, () -> sleptB[0]++, budget);
    a.idle(1);
    b.idle(1);
    a.idle(0);
    assertEquals(0, slept, "a spins: it has the budget's one place");
    b.idle(0);
    assertEquals(0, sleptB[0], "b finds the budget spent: yields, awake, within its window");
    assertEquals(1, budget.spinning(), "only a holds a place");
    for (int i = 0; i < 100 && slept == 0; i++) { // 100 us of running time, 1 us a pass
      now += 1_000;
      a.idle(0);
    }
    assertEquals(1, slept, "a's window over: sleeps and gives its place back");
    b.idle(1);
    b.idle(0);
    assertEquals(0, sleptB[0]);
    assertEquals(1, budget.spinning(), "b took the place a gave back");
    b.release();
    assertEquals(0, budget.spinning());
    assertThrows(IllegalArgumentException.class, () -> new SpinBudget(0));
  }

  @Test
  void shouldCountTimeSpentYieldingAgainstTheWindowEvenWhenEveryYieldIsLong() {
    SpinBudget budget = new SpinBudget(1);
    ProgressIdleStrategy holder = new ProgressIdleStrategy(100_000, 0, () -> now, () -> { }, budget);
    holder.idle(1);
    holder.idle(0); // holds the one place to spin
    ProgressIdleStrategy s = new ProgressIdleStrategy(100_000, 0, () -> now, () -> slept++, budget);
    s.idle(1);
    for (int i = 0; i < 10 && slept == 0; i++) {
      now += 60_000; // each yield gives the core away for longer than a preemption gap
      s.idle(0);
    }
    assertEquals(1, slept, "a thread that only yields sleeps once its window is over, however long its yields");
  }

  @Test
  void shouldSleepInTheEndThoughDescheduledAtEveryPass() {
    ProgressIdleStrategy s = strategy(100_000, 0);
    s.idle(1);
    for (int i = 0; i < ProgressIdleStrategy.MAX_DISCOUNTS + 10 && slept == 0; i++) {
      now += 60_000; // a spinning thread preempted between every two passes
      s.idle(0);
    }
    assertEquals(1, slept, "at most MAX_DISCOUNTS gaps are not counted, then the window runs out");
  }

  @Test
  void shouldSleepAtTheNextIdlePassWhenAskedToRestThoughWorkCameFirst() {
    ProgressIdleStrategy s = strategy(100_000, 0);
    s.idle(1);
    s.restAtNextIdle();
    s.idle(1); // the pass that asked did work
    assertEquals(0, slept, "work: no sleep");
    now += 10;
    s.idle(0);
    assertEquals(1, slept, "the first idle pass sleeps, long before the window is over");
    now += 10;
    s.idle(0);
    assertEquals(1, slept, "then the window again: spins");
  }

  @Test
  void shouldStayAwakeOnlyAGraceAfterAWakeUpThatBringsNoWork() {
    ProgressIdleStrategy s = strategy(1_000_000, 0);
    s.idle(1);
    long passes = 0;
    while (slept == 0) { // 10 us a pass
      now += 10_000;
      s.idle(0);
      passes++;
    }
    assertEquals(100, passes, "a whole window (1 ms) after work");
    passes = 0;
    while (slept == 1) {
      now += 10_000;
      s.idle(0);
      passes++;
    }
    assertEquals(ProgressIdleStrategy.WAKE_GRACE_NANOS / 10_000, passes,
        "woken with nothing to do: asleep again after the grace, long before a whole window");
    s.idle(1);
    for (int i = 0; i < 50; i++) {
      now += 10_000;
      s.idle(0);
    }
    assertEquals(2, slept, "work after the wake-up: the whole window again");
  }

  @Test
  void busyPollShouldNeverSleep() {
    ProgressIdleStrategy s = strategy(Long.MAX_VALUE, 900_000);
    now = Long.MAX_VALUE / 2;
    s.idle(0);
    assertEquals(0, slept);
  }

  @Test
  void shouldRejectNegativeWindows() {
    assertThrows(IllegalArgumentException.class, () -> strategy(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new UcxOptions().setSpinMicros(-1));
    assertThrows(IllegalArgumentException.class, () -> new UcxOptions().setYieldMicros(-5));
  }
}
