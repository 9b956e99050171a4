package io.offload.memory.impl;

import io.offload.context.BootstrapPhase;
import io.offload.context.impl.PeerImpl;
import io.offload.memory.ExposedRegion;
import io.offload.ucx.impl.Rma;
import io.offload.ucx.impl.UcxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.openucx.jucx.ucp.UcpMemMapParams;
import org.openucx.jucx.ucp.UcpMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The owner's side: regions of this process's memory exposed to peers. A region is registered,
 * announced (EXPOSE), recorded by the peer (EXPOSED), and ends in one of three ways, always by
 * {@link #release}: its withdrawal is confirmed (WITHDRAW, WITHDRAWN: the peer stopped first), the
 * peer refused it or is lost, or the engine closes.
 *
 * <p>Thread safety: {@link #expose} and {@link #withdraw} from any thread; the rest on the
 * progress thread.
 */
final class Exposures {

  private static final Logger LOG = LoggerFactory.getLogger(Exposures.class);

  private final MemoryService service;
  private final UcxRuntime ucx;
  private final AtomicInteger ids = new AtomicInteger();
  /** Progress thread: the regions not yet released, by id. */
  private final Map<Integer, ExposedRegionImpl> regions = new HashMap<>();

  Exposures(MemoryService service, UcxRuntime ucx) {
    this.service = service;
    this.ucx = ucx;
  }

  <T> Future<T> onCaller(Future<T> f) {
    return service.onCaller(f);
  }

  /** Exposes memory at {@code address} (registered here), or, {@code address} 0, memory UCX allocates. */
  Future<ExposedRegion> expose(PeerImpl peer, long address, long length, ByteBuffer keep) {
    ExposedRegionImpl r = new ExposedRegionImpl(this, ids.incrementAndGet(), peer, address, length, keep);
    Future<ExposedRegion> result = onCaller(r.published.future());
    service.runOnProgressThread(() -> {
      if (peer.phase() == BootstrapPhase.DISCONNECTED) {
        r.markWithdrawn();
        r.published.tryFail(new IllegalStateException(peer + " is lost: " + peer.disconnectReason()));
        r.ended.tryComplete();
        return;
      }
      byte[] key;
      try {
        UcpMemory mem = ucx.ucpContext().memoryMap(address == 0 ? new UcpMemMapParams().allocate().setLength(length)
            : new UcpMemMapParams().setAddress(address).setLength(length));
        key = Rma.packed(mem.getRemoteKeyBuffer());
        r.memory = mem;
        if (address == 0) {
          r.allocatedAt(mem.getAddress());
        }
      } catch (Throwable t) {
        r.markWithdrawn();
        r.published.tryFail(new IllegalStateException(address == 0 ? "UCX could not allocate " + length + " bytes: "
            + t.getMessage() : "UCX could not register " + length + " bytes at 0x" + Long.toHexString(address) + ": "
            + t.getMessage(), t));
        r.ended.tryComplete();
        return;
      }
      regions.put(r.id, r);
      send(r, MemoryMessages.expose(r.id, r.address(), length, key));
    });
    return result;
  }

  private void send(ExposedRegionImpl r, Buffer message) {
    service.send(r.peer, message).onFailure(e -> release(r, "the peer cannot be told: " + e.getMessage()));
  }

  /** Any thread, once per region. */
  void withdraw(ExposedRegionImpl r) {
    service.runOnProgressThread(() -> {
      if (r.memory == null || r.withdrawSent) {
        return; // released already (lost, refused), or on its way
      }
      r.markWithdrawn();
      if (r.peer.phase() == BootstrapPhase.DISCONNECTED) {
        release(r, null);
        return;
      }
      r.withdrawSent = true;
      send(r, MemoryMessages.simple(MemoryMessages.WITHDRAW, r.id));
    });
  }

  /** A message about one of our regions, from the peer it was exposed to. */
  void onMessage(PeerImpl from, MemoryMessages.Message m) {
    ExposedRegionImpl r = regions.get(m.regionId());
    if (r == null || r.peer != from) {
      LOG.debug("{}: peer memory message kind {} for region {} not exposed to it; dropped", from, m.kind(), m.regionId());
      return;
    }
    switch (m.kind()) {
      case MemoryMessages.EXPOSED -> r.published.tryComplete(r);
      case MemoryMessages.REFUSED -> release(r, "refused by " + from + ": " + m.reason());
      case MemoryMessages.WITHDRAWN -> {
        if (r.withdrawSent) {
          release(r, null);
        } else {
          MemoryService.PEER_WARNINGS.warn("{}: confirmed the withdrawal of region {} that was not withdrawn; ignored", from, r.id);
        }
      }
      default -> MemoryService.PEER_WARNINGS.warn("{}: unexpected peer memory message kind {} for our region {}", from, m.kind(), r.id);
    }
  }

  /** The peer is gone: nothing reaches the memory through it any more. */
  void peerLost(PeerImpl peer) {
    for (ExposedRegionImpl r : new ArrayList<>(regions.values())) {
      if (r.peer == peer) {
        release(r, "peer lost: " + peer.disconnectReason());
      }
    }
  }

  /** The engine closes, its endpoints are closed: every region goes. */
  void close() {
    for (ExposedRegionImpl r : new ArrayList<>(regions.values())) {
      release(r, "engine closed");
    }
  }

  /**
   * Ends a region: deregisters it, fails its exposure if still unconfirmed ({@code why}), and
   * completes its end. Progress thread.
   */
  private void release(ExposedRegionImpl r, String why) {
    if (r.memory == null) {
      return;
    }
    r.markWithdrawn();
    regions.remove(r.id, r);
    UcpMemory mem = r.memory;
    r.memory = null;
    r.published.tryFail(new IllegalStateException("region " + r.id + " not exposed: " + (why == null ? "withdrawn" : why)));
    try {
      mem.deregister();
      r.ended.tryComplete();
    } catch (Throwable t) {
      LOG.warn("deregistering region {} failed", r.id, t);
      r.ended.tryFail(new IllegalStateException("UCX could not deregister region " + r.id + ": " + t.getMessage(), t));
    }
  }
}
