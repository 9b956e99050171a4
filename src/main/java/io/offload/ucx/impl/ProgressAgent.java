package io.offload.ucx.impl;

import io.vertx.core.internal.ContextInternal;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.openucx.jucx.ucp.UcpWorker;

/**
 * One pass of the progress thread: queued tasks, then {@code worker.progress()}. Run by an Agrona
 * {@code AgentRunner} on the engine's progress thread, or stepped by hand with an
 * {@code AgentInvoker} (tests, and later an application's own loop).
 *
 * <p>A pass runs inside the progress thread's Vert.x context, so that tasks and active-message
 * callbacks see it as the current context: a handler called from there can use Vert.x (promises,
 * timers, sends) without a new context made per message.
 *
 * <p>Thread safety: {@link #requestStop} from any thread; the rest on the thread that runs it.
 */
public final class ProgressAgent implements Agent {

  private final String name;
  private final ProgressTasks tasks;
  private final Runnable onStart;
  private final Runnable onClose;
  private UcpWorker worker;
  private ContextInternal context;
  private ContextInternal outerContext;
  private volatile boolean stopRequested;

  ProgressAgent(String name, ProgressTasks tasks, Runnable onStart, Runnable onClose) {
    this.name = name;
    this.tasks = tasks;
    this.onStart = onStart;
    this.onClose = onClose;
  }

  /**
   * The worker to progress, and the Vert.x context its callbacks run in (null: none). On the
   * agent's thread: the context stays current from here to {@link #onClose}. (A dispatch per pass
   * would cost an allocation per pass: Vert.x drops its thread-local record of a non-Vert.x
   * thread's context at the end of each outermost dispatch.)
   */
  void attach(UcpWorker worker, ContextInternal context) {
    this.worker = worker;
    if (context != null) {
      this.context = context;
      this.outerContext = context.beginDispatch();
    }
  }

  @Override
  public void onStart() {
    onStart.run();
  }

  @Override
  public int doWork() {
    if (stopRequested) {
      throw new AgentTerminationException();
    }
    int work = tasks.run();
    if (worker != null) {
      try {
        work += worker.progress();
      } catch (Throwable e) {
        UcxRuntime.LOG.error("UCX worker progress failed", e);
      }
    }
    return work;
  }

  /** The next pass ends the agent; {@link #onClose} then runs on its thread. */
  public void requestStop() {
    stopRequested = true;
  }

  @Override
  public void onClose() {
    try {
      onClose.run();
    } finally {
      if (context != null) {
        context.endDispatch(outerContext);
        context = null;
      }
    }
  }

  @Override
  public String roleName() {
    return name;
  }
}
