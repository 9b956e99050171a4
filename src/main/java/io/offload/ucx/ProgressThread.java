package io.offload.ucx;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * The thread that progresses one UCX worker. It is also the executor of a Vert.x
 * {@code EXTERNAL} context (see {@link ProgressExecutorProvider}): Vert.x tasks for that
 * context (event-bus deliveries, timers, promise callbacks) run in this thread's loop,
 * between two {@code progress()} calls, so handlers registered there see UCX arrivals
 * without a thread hop.
 *
 * <p>Thread safety: {@link #execute} may be called from any thread; everything else
 * belongs to the thread itself.
 */
final class ProgressThread extends Thread implements Executor {

  private final ConcurrentLinkedQueue<Runnable> remoteTasks = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<Runnable> localTasks = new ArrayDeque<>();
  private final Runnable wakeUp;

  ProgressThread(String name, Runnable body, Runnable wakeUp) {
    super(body, name);
    this.wakeUp = wakeUp;
    setDaemon(true);
  }

  /** Queues a task; from another thread it also wakes the worker so the task runs soon. */
  @Override
  public void execute(Runnable task) {
    if (Thread.currentThread() == this) {
      localTasks.add(task);
    } else {
      remoteTasks.add(task);
      wakeUp.run();
    }
  }

  /** Runs what is queued now (tasks queued by these tasks wait for the next pass). Returns the count. */
  int runTasks() {
    int n = 0;
    Runnable r;
    while ((r = remoteTasks.poll()) != null) {
      runSafely(r);
      n++;
    }
    int local = localTasks.size();
    for (int i = 0; i < local && (r = localTasks.poll()) != null; i++) {
      runSafely(r);
      n++;
    }
    return n;
  }

  boolean hasTasks() {
    return !localTasks.isEmpty() || !remoteTasks.isEmpty();
  }

  private static void runSafely(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      UcxRuntime.LOG.error("task on the UCX progress thread failed", t);
    }
  }
}
