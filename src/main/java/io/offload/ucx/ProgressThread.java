package io.offload.ucx;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

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
  /** Set before the worker closes: no more wake-ups, late tasks are dropped. */
  private volatile boolean closed;
  /** Other threads inside {@link #execute}; the worker closes only once none is. */
  private final AtomicInteger waking = new AtomicInteger();

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
      waking.incrementAndGet();
      try {
        if (closed) {
          // a late completion after shutdown (a Vert.x future listener, say): nothing can run it
          UcxRuntime.LOG.debug("{}: task dropped, the worker is closed", getName());
          return;
        }
        remoteTasks.add(task);
        wakeUp.run();
      } finally {
        waking.decrementAndGet();
      }
    }
  }

  /** The worker is about to close: later {@link #execute} calls from other threads are dropped. */
  void markClosed() {
    closed = true;
    while (waking.get() != 0) {
      Thread.onSpinWait(); // a signal() in progress: let it finish before the worker goes
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

  private static void runSafely(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      UcxRuntime.LOG.error("task on the UCX progress thread failed", t);
    }
  }
}
