package io.offload.context.impl;

import io.offload.context.BootstrapPhase;
import io.offload.context.Departure;
import io.offload.context.Peer;
import io.offload.context.PhaseChange;
import io.offload.topology.RankInfo;
import io.offload.notify.impl.Channel;
import org.openucx.jucx.ucp.UcpEndpoint;

import java.util.Optional;

/**
 * One peer of a context. Phase and identity are volatile (read anywhere); the bootstrap that
 * writes them runs on the engine's event loop.
 */
public final class PeerImpl implements Peer {

  private final ContextImpl context;
  private final int id;
  private final Channel<PeerImpl> channel;
  private final long createdNanos = System.nanoTime();
  private volatile RankInfo rankInfo;
  private volatile BootstrapPhase phase = BootstrapPhase.BOOTSTRAP_NOT_INITIATED;
  private volatile int serverId = -1;
  private volatile int serviceProcessId = -1;
  private volatile UcpEndpoint endpoint;
  private volatile String disconnectReason;
  private volatile Departure departure;
  /** The bootstrap running this peer (event loop). */
  private volatile PeerLink link;

  /** @param channel its notification channel; null for the self context's peer (delivered locally) */
  PeerImpl(ContextImpl context, int id, Channel<PeerImpl> channel) {
    this.context = context;
    this.id = id;
    this.channel = channel;
    if (channel != null) {
      channel.owner(this);
    }
  }

  /** The self context's peer 0: this process, bootstrapped from the start, its endpoint to its own worker. */
  static PeerImpl self(ContextImpl context, RankInfo rank, UcpEndpoint endpoint) {
    PeerImpl p = new PeerImpl(context, 0, null);
    p.rankInfo = rank;
    p.endpoint = endpoint;
    p.phase = BootstrapPhase.BOOTSTRAP_DONE;
    return p;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public Optional<RankInfo> rankInfo() {
    return Optional.ofNullable(rankInfo);
  }

  public RankInfo rank() {
    return rankInfo;
  }

  public void rankInfo(RankInfo rankInfo) {
    this.rankInfo = rankInfo;
    if (channel != null) {
      channel.remoteRank(rankInfo);
    }
  }

  @Override
  public BootstrapPhase phase() {
    return phase;
  }

  /**
   * Moves forward to {@code next} (never back; DISCONNECTED is final: use {@link #disconnect})
   * and publishes the change. Returns false when nothing changed.
   */
  public boolean advance(BootstrapPhase next, String reason) {
    if (next == BootstrapPhase.DISCONNECTED) {
      throw new IllegalArgumentException("DISCONNECTED says how the peer left: disconnect(reason, departure)");
    }
    return move(next, reason, null);
  }

  /** Moves to DISCONNECTED, saying how the peer left. Returns false if it was already. */
  public boolean disconnect(String reason, Departure how) {
    return move(BootstrapPhase.DISCONNECTED, reason, how);
  }

  private boolean move(BootstrapPhase next, String reason, Departure how) {
    BootstrapPhase from = phase;
    if (from == BootstrapPhase.DISCONNECTED || (next != BootstrapPhase.DISCONNECTED && next.ordinal() <= from.ordinal())) {
      return false;
    }
    if (next == BootstrapPhase.DISCONNECTED) {
      disconnectReason = reason;
      departure = how;
    }
    phase = next;
    if (next == BootstrapPhase.DISCONNECTED) {
      context.retire(this);
    }
    context.peerMoved(from, next);
    PeerEvents events = context.site().events();
    events.phaseChanged(new PhaseChange(context.site().engineId(), context.id(), context.role(), id, rankInfo, from,
        next, reason, how), createdNanos);
    if (next == BootstrapPhase.BOOTSTRAP_DONE) {
      events.ready(this);
    }
    return true;
  }

  @Override
  public Optional<Departure> departure() {
    return Optional.ofNullable(departure);
  }

  public String disconnectReason() {
    return disconnectReason;
  }

  @Override
  public int serverId() {
    return serverId;
  }

  @Override
  public int serviceProcessId() {
    return serviceProcessId;
  }

  public void serverIds(int serverId, int serviceProcessId) {
    this.serverId = serverId;
    this.serviceProcessId = serviceProcessId;
  }

  @Override
  public UcpEndpoint endpoint() {
    context.checkOpen();
    UcpEndpoint ep = endpoint;
    if (ep == null || phase == BootstrapPhase.DISCONNECTED) {
      throw new IllegalStateException("peer " + id + " of " + context.id() + " has no UCX endpoint in phase " + phase);
    }
    return ep;
  }

  public void endpoint(UcpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  public Channel<PeerImpl> channel() {
    return channel;
  }

  public ContextImpl context() {
    return context;
  }

  public PeerLink link() {
    return link;
  }

  public void link(PeerLink link) {
    this.link = link;
  }

  /** Its UCX probe arrived (progress thread): the bootstrap running this peer checks it on its event loop. */
  public void probeArrived(io.vertx.core.buffer.Buffer payload) {
    PeerLink l = link;
    if (l != null) {
      l.onProbe(payload);
    }
  }

  @Override
  public String toString() {
    return context.id() + "/peer " + id + (rankInfo == null ? "" : " (group " + rankInfo.groupId() + " rank "
        + rankInfo.rank() + ")") + " " + phase;
  }
}
