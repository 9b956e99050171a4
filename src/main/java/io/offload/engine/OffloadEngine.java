package io.offload.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.offload.cache.GroupCache;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.job.Job;
import io.offload.notify.NotifyStats;
import io.offload.ops.Operations;
import io.vertx.core.Context;
import io.offload.notify.Notification;
import io.offload.notify.NotificationConsumer;
import io.offload.notify.PayloadAllocator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;

import java.util.List;

/**
 * One per process (or several, sharing one UCX context): owns a UCX worker and the thread that
 * progresses it, the self execution context and every server and client context it creates.
 * {@link #close()} finalizes them all.
 *
 * <h2>Who owns UCX</h2>
 * <ul>
 *   <li>By default the engine makes its own UCX context and worker on a progress thread of its own.</li>
 *   <li>With {@link EngineOptions#setUcpContext} it makes its worker (and thread) from the
 *       application's context, which it never closes; several engines can share one context.</li>
 *   <li>With {@link EngineOptions#setUcpWorker} it adopts the application's worker and is
 *       <em>caller-driven</em>: no thread of its own; the application calls {@link #progress()}.</li>
 * </ul>
 *
 * <h2>Thread rules of the caller-driven mode</h2>
 * <ul>
 *   <li>{@link #create} must be called on the application's thread that owns the worker (not a
 *       Vert.x thread, one engine per thread). That thread becomes the engine's UCX thread: it is
 *       the thread of the {@code EXTERNAL} Vert.x context {@link #ucxContext()}, and every JUCX call
 *       of the engine happens inside its {@link #progress()} calls. Work from other threads (event
 *       loops, timers) is queued and {@code signal()}s the worker, so the application may sleep in
 *       {@code worker.waitForEvents()} when {@code progress()} returns 0 (its context then needs the
 *       wakeup feature).</li>
 *   <li>The engine is built before {@code create} returns (the future is already complete: take
 *       it with {@code result()}), but its listeners, like every callback on that thread's Vert.x
 *       context, run inside {@code progress()}. Every other future (connect, notify, close) needs
 *       {@code progress()} calls to complete: keep calling it until {@code close()}'s future has
 *       completed. The engine terminates inside one {@code progress()} call, where the callbacks of
 *       that future run too; from then on ({@link #state()} is {@code TERMINATED}) it never touches
 *       nor signals the worker again: close the worker then, not before.</li>
 *   <li>Consumers registered from the application's thread (it is the {@code ucxContext()}) run on it,
 *       inside {@code progress()}, in the same pass as the arrival: the fast path. They must not
 *       block, nor call {@code progress()}. Consumers registered from an event loop run there.</li>
 *   <li>Between {@code progress()} calls the application may use its worker itself, and block if it
 *       likes: the engine's UCX work waits for the next call (a bootstrap step, a send, an arrival),
 *       while its OOB sockets and heartbeats go on on its event loop.</li>
 * </ul>
 *
 * <p>Thread safety: all methods may be called from any thread, except {@link #progress()},
 * {@link #ucpWorker()} and {@link #ucpContext()}; futures complete on the caller's Vert.x context.
 */
public interface OffloadEngine {

  /** Creates an engine with default options. */
  static Future<OffloadEngine> create(Vertx vertx) {
    return create(vertx, new EngineOptions());
  }

  /**
   * Creates an engine on {@code vertx}: starts UCX (fails with {@code UcxUnavailableException}
   * when the system UCX is missing) and its progress thread; or, with
   * {@link EngineOptions#setUcpWorker}, adopts the application's worker (caller-driven: call this on
   * the application's thread; the future is complete when it returns, see above).
   */
  static Future<OffloadEngine> create(Vertx vertx, EngineOptions options) {
    return Factories.ENGINE.create(vertx, options);
  }

  /** Id used in event-bus addresses. */
  String id();

  Vertx vertx();

  /**
   * The self context: notifications to oneself, through local-only event-bus addresses. Its one
   * peer, 0, is this process, with a UCX endpoint to the engine's own worker: from
   * {@link #ucxContext()}, {@code self().peer(0).orElseThrow().endpoint()} with {@link #ucpWorker()}
   * gives tag send/receive to oneself.
   */
  ExecutionContext self();

  /** Starts a server context; completes once it listens ({@code localPort()} gives the port). */
  Future<ExecutionContext> listen(ServerOptions options);

  /** Starts a client context; completes at BOOTSTRAP_DONE, or fails with the reason. */
  Future<ExecutionContext> connect(ClientOptions options);

  /** The open server and client contexts. */
  List<ExecutionContext> contexts();

  /**
   * The Vert.x context of the UCX progress thread (caller-driven: of the application's thread,
   * whose tasks run inside {@link #progress()}). Notification consumers registered from it
   * run on that thread in the same pass as the arrival (the fast path), and JUCX calls on
   * peers' endpoints must be made from it. Handlers there must never block.
   */
  Context ucxContext();

  /** Where {@code PhaseChange} events are published. */
  String phaseAddress();

  /**
   * Registers the engine-wide handler of notifications of {@code type}: it gets those of every
   * context that has no consumer of its own for the type. Threading and lending as in
   * {@link ExecutionContext#consumer}; reply through {@code n.context()}.
   */
  NotificationConsumer consumer(int type, Handler<Notification> handler);

  /**
   * As {@link #consumer(int, Handler)}, with the payloads of {@code type} received into buffers
   * from {@code allocator} (see {@link PayloadAllocator}).
   */
  NotificationConsumer consumer(int type, PayloadAllocator allocator, Handler<Notification> handler);

  /**
   * The Micrometer registry holding this engine's meters ({@code offload.*}, tagged
   * {@code engine=<id>}): Vert.x's when Vert.x metrics are enabled, else a simple registry of the
   * engine's own.
   */
  MeterRegistry meterRegistry();

  /**
   * The group cache: which service process serves each rank of each group, and the handles to
   * reach service processes. Filled as peers bootstrap and service processes exchange entries.
   */
  GroupCache cache();

  /**
   * Offloaded operations: on a service process, the handlers of operation types (and the
   * library's collectives); on a rank, submissions to its service process and its offloaded
   * collectives.
   */
  Operations operations();

  /** Counters of this engine's notifications. */
  NotifyStats notificationStats();

  /**
   * Makes this engine, a service process, serve one job of {@code ranks} ranks in all, with
   * {@code serviceProcesses} service processes taking part (the mesh's, this one included; 1 without
   * a mesh): the returned {@link Job} says when the job is over, the service processes agreeing over
   * the mesh. Ranks that bootstrapped before this call count too. Once per engine.
   *
   * @throws IllegalArgumentException for {@code ranks < 1} or {@code serviceProcesses < 1}
   * @throws IllegalStateException    when called a second time, or on a closed engine
   */
  Job job(int ranks, int serviceProcesses);

  /** {@link #job(int, int)} for a service process without a mesh. */
  default Job job(int ranks) {
    return job(ranks, 1);
  }

  /** Closes every context, then UCX. Idempotent. */
  Future<Void> close();

  /** Where the engine is in its life: running, finalizing (after {@link #close()}) or terminated. */
  EngineState state();

  /**
   * Where each change of {@link #state()} is published (local only), the new state as the body:
   * {@code FINALIZING} when the first {@link #close()} begins, then {@code TERMINATED}, in that
   * order, once each. {@code RUNNING} is the state at creation and is never published.
   */
  String stateAddress();

  /**
   * Completes when the engine has terminated, whoever closed it; never fails. Completes on the
   * caller's Vert.x context.
   */
  Future<Void> terminated();

  /**
   * Caller-driven mode ({@link EngineOptions#setUcpWorker}): one pass of the engine's UCX work,
   * the C original's {@code lib_progress}: the tasks other threads queued for the worker (Vert.x
   * callbacks of {@link #ucxContext()} among them), then {@code worker.progress()}, which runs
   * arrivals and completions and their handlers. Returns how much work was done (0: nothing to
   * do; the application may idle). Never blocks. Also works after {@code close()}: the endpoints
   * close over several calls, then the engine terminates, then it still runs the Vert.x callbacks
   * of that context.
   *
   * @throws IllegalStateException from any thread but the one that created the engine, or on an
   *                               engine with its own progress thread
   */
  int progress();

  /**
   * This engine's UCX worker address (a copy; any thread): what a peer needs to make an endpoint
   * to it, for an application's own wire-up beside the bootstrap.
   *
   * @throws IllegalStateException once the engine terminated
   */
  byte[] workerAddress();

  /**
   * The engine's UCX worker, for code on {@link #ucxContext()} (its progress thread, or in
   * caller-driven mode the application's thread): your own UCX operations (tag send/receive, to a
   * peer's {@code endpoint()} or, through the self context's peer 0, to this very worker). Do not
   * close it, nor call {@code progress()} on it from a handler.
   *
   * @throws IllegalStateException from any other thread, or once the engine terminated
   */
  UcpWorker ucpWorker();

  /**
   * The engine's UCX context (its own, or the adopted one), for code on {@link #ucxContext()}:
   * memory registration, for example. Do not close it.
   *
   * @throws IllegalStateException from any other thread, or once the engine terminated
   */
  UcpContext ucpContext();
}
