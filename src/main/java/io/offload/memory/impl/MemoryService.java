package io.offload.memory.impl;

import io.offload.bootstrap.impl.RateLimitedLog;
import io.offload.context.BootstrapPhase;
import io.offload.context.impl.PeerImpl;
import io.offload.context.impl.PeerMemory;
import io.offload.context.impl.Transport;
import io.offload.context.impl.OnCaller;
import io.offload.memory.ExposedRegion;
import io.offload.memory.PeerRegion;
import io.offload.notify.EventTypes;
import io.offload.notify.Notification;
import io.offload.notify.impl.NotificationService;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import org.openucx.jucx.UcxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Memory exposed between peers, both sides: {@link Exposures} (this process's regions, exposed to
 * peers) and {@link PeerRegions} (the regions peers exposed to this process), over the reserved
 * notification type {@code PEER_MEMORY} ({@link MemoryMessages}). This class wires them to the
 * notifications and runs the API calls on the right thread.
 *
 * <p>Thread safety: the API calls from any thread; messages and changes on the UCX progress
 * thread.
 */
public final class MemoryService implements PeerMemory {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryService.class);
  /** WARN lines a peer can cause (bad or unexpected messages), bounded: a hostile peer cannot grow the log. */
  static final RateLimitedLog PEER_WARNINGS = new RateLimitedLog(LoggerFactory.getLogger("io.offload.memory"), 10,
      Duration.ofSeconds(10));

  private final Vertx vertx;
  private final UcxRuntime ucx;
  private final NotificationService<PeerImpl> notifications;
  private final Exposures exposures;
  private final PeerRegions regions;

  public MemoryService(Vertx vertx, Transport transport) {
    this.vertx = vertx;
    this.ucx = transport.ucx();
    this.notifications = transport.notifications();
    this.exposures = new Exposures(this, ucx);
    this.regions = new PeerRegions(this, ucx);
    notifications.onInternal(EventTypes.PEER_MEMORY, this::onMessage);
  }

  @Override
  public Future<ExposedRegion> expose(PeerImpl peer, ByteBuffer memory) {
    if (memory == null || !memory.isDirect() || !memory.hasRemaining()) {
      throw new IllegalArgumentException("a region is exposed from a direct ByteBuffer with at least one byte"
          + " between position and limit, got " + memory);
    }
    long address = UcxUtils.getAddress(memory); // of its position already
    return exposable(peer) ? exposures.expose(peer, address, memory.remaining(),
        memory.slice(memory.position(), memory.remaining())) : notExposable(peer);
  }

  @Override
  public Future<ExposedRegion> expose(PeerImpl peer, long address, long length) {
    if (address == 0 || length < 1 || address + length < address) {
      throw new IllegalArgumentException("a region needs a non-null address and at least one byte, got 0x"
          + Long.toHexString(address) + " + " + length);
    }
    return exposable(peer) ? exposures.expose(peer, address, length, null) : notExposable(peer);
  }

  @Override
  public Future<ExposedRegion> exposeAllocated(PeerImpl peer, long length) {
    if (length < 1) {
      throw new IllegalArgumentException("a region needs at least one byte, got " + length);
    }
    return exposable(peer) ? exposures.expose(peer, 0, length, null) : notExposable(peer);
  }

  private static boolean exposable(PeerImpl peer) {
    BootstrapPhase ph = peer.phase();
    return ph != BootstrapPhase.DISCONNECTED && ph.ordinal() >= BootstrapPhase.UCX_CONNECT_DONE.ordinal();
  }

  private <T> Future<T> notExposable(PeerImpl peer) {
    return onCaller(Future.failedFuture(new IllegalStateException(peer.phase() == BootstrapPhase.DISCONNECTED
        ? peer + " disconnected: " + peer.disconnectReason()
        : peer + " cannot take memory regions yet (phase " + peer.phase() + ")")));
  }

  @Override
  public Optional<PeerRegion> peerRegion(PeerImpl peer, int regionId) {
    return peer == null ? Optional.empty() : regions.find(peer, regionId);
  }

  @Override
  public List<PeerRegion> peerRegions(PeerImpl peer) {
    return peer == null ? new java.util.ArrayList<>() : regions.of(peer);
  }

  /** A region rank {@code rank} of {@code groupId} (its bootstrap identity) exposed to this process. */
  public Optional<PeerRegion> rankRegion(int groupId, int rank, int regionId) {
    return regions.findRank(groupId, rank, regionId);
  }

  /** A peer is gone for good (any thread): its regions here go, ours exposed to it are deregistered. */
  public void peerLost(PeerImpl peer) {
    runOnProgressThread(() -> {
      regions.peerLost(peer);
      exposures.peerLost(peer);
    });
  }

  /** Releases every region and key: after the contexts closed (no endpoint left), before the worker. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    runOnProgressThread(() -> {
      regions.close();
      exposures.close();
      done.complete();
    });
    return done.future();
  }

  // ---------------------------------------------------------------- plumbing

  private void onMessage(PeerImpl from, Notification n) {
    MemoryMessages.Message m;
    try {
      m = MemoryMessages.decode(n.payload());
    } catch (RuntimeException e) {
      PEER_WARNINGS.warn("{}: dropped a peer memory message: {}", from, e.getMessage());
      return;
    }
    switch (m.kind()) {
      case MemoryMessages.EXPOSE -> regions.onExpose(from, m);
      case MemoryMessages.WITHDRAW -> regions.onWithdraw(from, m.regionId());
      default -> exposures.onMessage(from, m);
    }
  }

  Future<Void> send(PeerImpl to, Buffer message) {
    return notifications.send(to.channel(), EventTypes.PEER_MEMORY, message)
        .onFailure(e -> LOG.debug("peer memory message to {} failed: {}", to, e.getMessage()));
  }

  /**
   * Runs {@code task} on the progress thread inside its Vert.x context (queued behind what is
   * there), so that the futures made there reuse that one context.
   */
  void runOnProgressThread(Runnable task) {
    ContextInternal ctx = ucx.context();
    ucx.execute(() -> ctx.dispatch(task));
  }

  <T> Promise<T> callerPromise() {
    return ((ContextInternal) vertx.getOrCreateContext()).promise();
  }

  <T> Future<T> onCaller(Future<T> f) {
    return OnCaller.complete(vertx, f);
  }
}
