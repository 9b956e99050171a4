package io.offload.ucx.impl;

import io.offload.ucx.UcxFeatures;
import io.offload.ucx.UcxSignals;
import io.offload.ucx.UcxUnavailableException;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * The native half of a runtime: the UCX context and worker, made here or adopted from the
 * application (never closed here then), and the worker's address.
 *
 * <p>Thread safety: opened and closed on the progress thread; {@link #address()} and
 * {@link #signal()} from any thread.
 */
final class UcxNative {

  private static final Logger LOG = LoggerFactory.getLogger(UcxNative.class);

  final UcpContext adoptedContext;
  final UcpWorker adoptedWorker;
  private UcpContext context;
  private UcpWorker worker;
  private volatile byte[] address;
  /** False when the (adopted) context has no WAKEUP feature: caller-driven work goes unsignalled. */
  private volatile boolean canSignal = true;

  UcxNative(UcpContext adoptedContext, UcpWorker adoptedWorker) {
    this.adoptedContext = adoptedContext;
    this.adoptedWorker = adoptedWorker;
  }

  /** Opens (or adopts) the context and the worker: null, or why it failed (then nothing is left open). */
  Throwable open(boolean callerDriven) {
    try {
      UcxSignals.warnIfUnprotected();
      if (adoptedWorker != null) {
        context = adoptedContext;
        worker = adoptedWorker;
      } else {
        context = adoptedContext != null ? adoptedContext : new UcpContext(UcxFeatures.requiredParams());
        worker = context.newWorker(new UcpWorkerParams());
      }
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return new UcxUnavailableException(e);
    } catch (Throwable t) {
      if (context != null && adoptedContext == null) {
        context.close();
      }
      return new IllegalStateException("cannot start UCX: " + t.getMessage(), t);
    }
    Throwable wakeup = checkWakeup(callerDriven);
    if (wakeup != null) {
      return wakeup;
    }
    ByteBuffer a = worker.getAddress();
    byte[] bytes = new byte[a.remaining()];
    a.get(bytes);
    address = bytes;
    return null;
  }

  /**
   * An adopted context may lack the WAKEUP feature ({@code signal()} then throws). Thread mode needs
   * it (the thread sleeps in {@code waitForEvents()}): a failure. Caller-driven mode can do without:
   * other threads' tasks then wait for the application's next {@code progress()} call, unsignalled.
   */
  private Throwable checkWakeup(boolean callerDriven) {
    if (adoptedContext == null) {
      return null; // made here with UcxFeatures.requiredParams()
    }
    try {
      worker.signal(); // at worst, the first waitForEvents() returns at once
      return null;
    } catch (Throwable t) {
      if (!callerDriven) {
        // close our worker before the caller hears of the failure: it may close its context at once
        worker.close();
        return new IllegalStateException("the adopted UCX context lacks the WAKEUP feature that the progress "
            + "thread needs to sleep: make it with UcxFeatures.requiredParams() (" + t.getMessage() + ")", t);
      }
      canSignal = false;
      LOG.warn("the application's UCX context lacks the WAKEUP feature: work from other threads waits for the next "
          + "progress() call and cannot wake a waitForEvents()");
      return null;
    }
  }

  UcpContext context() {
    return context;
  }

  UcpWorker worker() {
    return worker;
  }

  /** The worker's address (the array itself: copy it before handing it out). */
  byte[] address() {
    return address;
  }

  /** Wakes the worker from {@code waitForEvents()} (any thread). */
  void signal() {
    UcpWorker w = worker;
    if (w != null && canSignal) {
      w.signal();
    }
  }

  /** Closes the worker and the context, unless the application's. */
  void close() {
    try {
      worker.close();
    } catch (Throwable t) {
      LOG.warn("closing UCX worker failed", t);
    }
    if (adoptedContext == null) { // the application's context outlives the engine
      try {
        context.close();
      } catch (Throwable t) {
        LOG.warn("closing UCX context failed", t);
      }
    }
  }
}
