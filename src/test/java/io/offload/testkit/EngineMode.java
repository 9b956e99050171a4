package io.offload.testkit;

import io.offload.engine.EngineOptions;
import io.offload.engine.EngineState;
import io.offload.engine.OffloadEngine;
import io.offload.ucx.UcxOptions;
import io.offload.ucx.UcxFeatures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Who progresses the engines of a test: each engine's own progress thread, or (caller-driven)
 * a test thread per engine that owns a UCX context and worker, creates the engine on itself and
 * loops {@code engine.progress()}, as an application's own loop would. Tests parameterized by
 * this run the same assertions in both modes.
 */
public enum EngineMode {
  PROGRESS_THREAD,
  CALLER_DRIVEN;

  /** The engines one test made in this mode; {@link #close()} in {@code @AfterEach}. */
  public Engines engines() {
    return new Engines(this);
  }

  /** Creates engines of one test and, in caller-driven mode, the threads that drive them. */
  public static final class Engines implements AutoCloseable {

    private final EngineMode mode;
    private final List<OffloadEngine> engines = new ArrayList<>();
    private final List<Driver> drivers = new ArrayList<>();
    private UcpContext shared;

    Engines(EngineMode mode) {
      this.mode = mode;
    }

    /**
     * Engines made from now on share the application's {@code context} (made with
     * {@code setMtWorkersShared(true)}): each makes its worker from it (caller-driven: its driver
     * does), none closes it.
     */
    public Engines sharing(UcpContext context) {
      this.shared = context;
      return this;
    }

    /** Creates an engine in this mode (from any thread). */
    public Future<OffloadEngine> create(Vertx vertx, EngineOptions options) {
      if (mode == PROGRESS_THREAD) {
        EngineOptions o = shared == null ? options : new EngineOptions(options).setUcpContext(shared);
        return OffloadEngine.create(vertx, o).onSuccess(this::add);
      }
      Driver d = new Driver(vertx, options, shared);
      synchronized (this) {
        drivers.add(d);
      }
      d.start();
      return d.created.future().onSuccess(this::add);
    }

    private synchronized void add(OffloadEngine e) {
      engines.add(e);
    }

    /** Closes every engine (idempotent), waits until each terminated, stops the drivers. */
    @Override
    public void close() throws InterruptedException {
      List<OffloadEngine> all;
      List<Driver> ds;
      synchronized (this) {
        all = new ArrayList<>(engines);
        ds = new ArrayList<>(drivers);
      }
      for (OffloadEngine e : all) {
        e.close();
      }
      for (OffloadEngine e : all) {
        Await.until(() -> e.id() + " terminated, state " + e.state(), () -> e.state() == EngineState.TERMINATED,
            30, TimeUnit.SECONDS);
      }
      for (Driver d : ds) {
        d.stop = true;
        UcpWorker w = d.running;
        if (w != null) {
          w.signal(); // it may sleep in waitForEvents(); it closes the worker only after this
        }
        d.signalled.countDown();
        d.join(TimeUnit.SECONDS.toMillis(30));
        if (d.isAlive()) {
          throw new AssertionError(d.getName() + " did not stop");
        }
        if (d.failure != null) {
          throw new AssertionError(d.getName() + " failed", d.failure);
        }
      }
    }
  }

  /** The application thread of one caller-driven engine: its own UCX context and worker, its loop. */
  private static final class Driver extends Thread {

    private final Vertx vertx;
    private final EngineOptions options;
    private final UcpContext shared;
    final Promise<OffloadEngine> created = Promise.promise();
    volatile boolean stop;
    volatile Throwable failure;
    /** The worker of a running engine (null before, or when creation failed). */
    volatile UcpWorker running;
    /** Counted down once the closer is done signalling: only then may the worker close. */
    final CountDownLatch signalled = new CountDownLatch(1);

    Driver(Vertx vertx, EngineOptions options, UcpContext shared) {
      super("driver-" + (options.getName() != null ? options.getName() : "engine"));
      this.vertx = vertx;
      this.options = options;
      this.shared = shared;
      setDaemon(true);
    }

    @Override
    public void run() {
      UcpContext context;
      UcpWorker worker;
      try {
        context = shared != null ? shared : new UcpContext(UcxFeatures.requiredParams());
        worker = context.newWorker(new UcpWorkerParams());
      } catch (Throwable t) {
        created.fail(t);
        return;
      }
      Future<OffloadEngine> f = OffloadEngine.create(vertx, new EngineOptions(options).setUcpContext(context)
          .setUcpWorker(worker));
      if (!f.succeeded()) {
        created.fail(f.cause() != null ? f.cause() : new AssertionError("caller-driven create did not complete at once"));
        worker.close();
        if (shared == null) {
          context.close();
        }
        return;
      }
      OffloadEngine engine = f.result();
      running = worker;
      created.complete(engine);
      // Like the engine's own progress thread: after the last work, a window of UcxOptions.DEFAULT_SPIN_MICROS
      // (1 ms) in which it stays awake (Agrona's backoff, as the CallerDrivenLoop example: a few spins, yields, then
      // short parks, which leave the cores to the other drivers), then sleep in UCX until an arrival or another
      // thread's task (the engine signal()s the worker) wakes it. Once the engine terminated it signals no more:
      // back off only.
      IdleStrategy backoff = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
          TimeUnit.MICROSECONDS.toNanos(100));
      long window = TimeUnit.MICROSECONDS.toNanos(UcxOptions.DEFAULT_SPIN_MICROS);
      long lastWork = System.nanoTime();
      try {
        // keeps progressing after termination until told to stop: late callbacks of close futures
        while (!(stop && engine.state() == EngineState.TERMINATED)) {
          if (engine.progress() > 0) {
            backoff.reset();
            lastWork = System.nanoTime();
          } else if (engine.state() == EngineState.TERMINATED || System.nanoTime() - lastWork < window) {
            backoff.idle();
          } else {
            worker.waitForEvents();
            backoff.reset();
            lastWork = System.nanoTime(); // woken: what woke it shows within the window
          }
        }
      } catch (Throwable t) {
        failure = t;
        return; // the worker may still have open endpoints: closing it could abort the JVM
      }
      try {
        signalled.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      worker.close(); // the application's worker and context: the engine never closes them
      if (shared == null) {
        context.close();
      }
    }
  }
}
