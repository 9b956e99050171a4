package io.offload.engine.impl;

import io.offload.cache.impl.CacheService;
import io.offload.context.BootstrapPhase;
import io.offload.context.PhaseChange;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.PeerEvents;
import io.offload.context.impl.PeerImpl;
import io.offload.job.impl.JobService;
import io.offload.memory.impl.MemoryService;
import io.offload.notify.Addresses;
import io.offload.ops.impl.OperationsImpl;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contexts' and peers' events, fanned out to the parts that follow peers (cache, job, operations, memory),
 * the metrics and the phase address. The parts report upward only through this, so none of them knows the others.
 */
final class EngineEvents implements PeerEvents {

  /** Phases and states are objects of this JVM (local codecs): never sent over a cluster. */
  static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);
  private static final Logger PHASES = LoggerFactory.getLogger("io.offload.phases");

  private final String id;
  private final Vertx vertx;
  private final EngineContexts contexts;
  private final EngineMetrics metrics;
  private final CacheService cache;
  private final JobService jobs;
  private final OperationsImpl operations;
  private final MemoryService memory;

  EngineEvents(String id, Vertx vertx, EngineContexts contexts, EngineMetrics metrics, CacheService cache,
      JobService jobs, OperationsImpl operations, MemoryService memory) {
    this.id = id;
    this.vertx = vertx;
    this.contexts = contexts;
    this.metrics = metrics;
    this.cache = cache;
    this.jobs = jobs;
    this.operations = operations;
    this.memory = memory;
  }

  @Override
  public void phaseChanged(PhaseChange change, long peerCreatedNanos) {
    metrics.phaseReached(change, peerCreatedNanos);
    publishPhase(change);
  }

  @Override
  public void ready(PeerImpl peer) {
    cache.peerReady(peer);
    jobs.peerReady(peer); // the job counts it
  }

  @Override
  public void lost(PeerImpl peer) {
    cache.peerLost(peer);
    OpsLink.peerLost(operations, peer);
    memory.peerLost(peer); // the regions exposed either way go
    jobs.peerLost(peer); // the job counts how it left
  }

  @Override
  public void contextClosed(ContextImpl context, PhaseChange change) {
    contexts.closed(context);
    publishPhase(change);
  }

  private void publishPhase(PhaseChange change) {
    if (change.to() == BootstrapPhase.DISCONNECTED && change.reason() != null) {
      PHASES.info("{} {}/peer {} {} -> {} ({})", id, change.contextId(), change.peerId(), change.from(), change.to(),
          change.reason());
    } else {
      PHASES.debug("{} {}/peer {} {} -> {}", id, change.contextId(), change.peerId(), change.from(), change.to());
    }
    vertx.eventBus().publish(Addresses.phase(id), change, LOCAL_ONLY);
  }
}
