package io.offload.ucx.impl;


import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The executor of a caller-driven engine's Vert.x context, with a counted wake-up instead of signal(). */
class CallerExecutorTest {

  @Test
  void shouldQueueOwnTasksSilentlySignalForOtherThreadsAndStopSignallingOnceReleased() throws Exception {
    ProgressTasks tasks = new ProgressTasks();
    AtomicInteger signals = new AtomicInteger();
    CallerExecutor executor = new CallerExecutor(Thread.currentThread(), tasks, signals::incrementAndGet);
    List<String> ran = new ArrayList<>();
    executor.execute(() -> ran.add("own"));
    assertEquals(0, signals.get(), "the caller's own task waits for its next progress() call, no wake-up");
    Thread other = new Thread(() -> executor.execute(() -> ran.add("other")));
    other.start();
    other.join();
    assertEquals(1, signals.get(), "another thread's task wakes the worker");
    executor.release();
    Thread late = new Thread(() -> executor.execute(() -> ran.add("late")));
    late.start();
    late.join();
    assertEquals(1, signals.get(), "released: the application may have closed its worker, never signal it");
    assertEquals(3, tasks.run(), "every task still runs at the next pass");
    assertEquals(List.of("other", "late", "own"), ran, "other threads' queue first, then the caller's own");
  }
}
