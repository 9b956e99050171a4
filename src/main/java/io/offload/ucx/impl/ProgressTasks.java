package io.offload.ucx.impl;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.util.ArrayDeque;

/**
 * Work handed to the progress thread: tasks from other threads on a many-to-one queue, tasks the
 * thread queued for itself on a plain deque. Each {@link #run} pass runs what is queued when it
 * starts, so a task that queues another cannot keep the thread from progressing UCX.
 *
 * <p>Thread safety: {@link #offerRemote} and {@link #hasRemote} from any thread; the rest on the progress thread.
 */
final class ProgressTasks {

  private final ManyToOneConcurrentLinkedQueue<Runnable> remote = new ManyToOneConcurrentLinkedQueue<>();
  private final ArrayDeque<Runnable> local = new ArrayDeque<>();

  void offerRemote(Runnable task) {
    remote.offer(task);
  }

  /** Whether a task from another thread waits (any thread; a hint: it may be taken as this returns). */
  boolean hasRemote() {
    return !remote.isEmpty();
  }

  void offerLocal(Runnable task) {
    local.add(task);
  }

  /** Runs the tasks queued now; returns how many ran. */
  int run() {
    int n = 0;
    Runnable r;
    while ((r = remote.poll()) != null) {
      runSafely(r);
      n++;
    }
    for (int i = local.size(); i > 0 && (r = local.poll()) != null; i--) {
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
