package io.offload.bootstrap.impl;

import io.offload.bootstrap.ProtocolException;

import io.offload.bootstrap.impl.BootstrapSteps.Step;
import io.offload.context.BootstrapPhase;
import io.offload.context.Departure;
import io.offload.context.impl.PeerImpl;
import io.offload.context.impl.PeerLink;
import io.offload.engine.EngineOptions;
import io.offload.notify.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's out-of-band connection, on either side: frame parsing, the UCX part of the
 * bootstrap (endpoint, one probe each way, READY), liveness (the socket stays open; {@link Heartbeats}
 * notice a cut link) and the end (TERM, ERROR, loss).
 *
 * <p>Thread safety: runs on the engine's event loop only.
 */
abstract class PeerConnection implements PeerLink {

  static final Logger LOG = LoggerFactory.getLogger("io.offload.bootstrap");
  private static final Logger STEPS = LoggerFactory.getLogger("io.offload.bootstrap.steps");
  /** Lines a remote peer can cause (refusals, its ERROR frames): at most 20 a minute, the rest counted. */
  static final RateLimitedLog PEER_WARNINGS = new RateLimitedLog(LOG, 20, java.time.Duration.ofMinutes(1));

  final BootstrapSite site;
  final EngineOptions engineOptions;
  final ContextInternal loop;
  final PeerImpl peer;
  final NetSocket socket;
  final BootstrapSteps steps = new BootstrapSteps();
  private boolean readyReceived;
  /** The payload of our UCX probe; the peer's READY must echo it. */
  private byte[] probe;
  /** The peer's probe, when it came before our endpoint was made: echoed in READY once it is. */
  private byte[] peerProbe;
  private boolean ended;
  private long handshakeTimer = -1;
  /** Where our UCX probe is, for the timeout's message: a stall at PROBE_OUT says on which side. */
  private volatile String probeState = "not posted";
  /** How long UCX took to create our endpoint (progress thread), for the steps log. */
  private volatile long endpointNanos;
  private final Heartbeats heartbeats;

  PeerConnection(BootstrapSite site, PeerImpl peer, NetSocket socket, long handshakeTimeoutMs) {
    this.site = site;
    this.engineOptions = site.limits();
    this.loop = site.eventLoop();
    this.peer = peer;
    this.socket = socket;
    this.heartbeats = new Heartbeats(site, socket, this::lost);
    peer.link(this);
    steps.done(Step.SOCKET);
    socket.handler(OobCodec.parser(engineOptions.getMaxFrameLength(), this::onFrameSafely, this::protocolError));
    socket.closeHandler(v -> lost("OOB connection closed by the peer"));
    socket.exceptionHandler(e -> lost("OOB connection error: " + e.getMessage()));
    handshakeTimer = loop.setTimer(handshakeTimeoutMs, id -> {
      handshakeTimer = -1;
      if (!peer.phase().isReady()) {
        refuse(OobCodec.ERR_TIMEOUT, "bootstrap did not finish within " + handshakeTimeoutMs + " ms (stalled at "
            + steps.current() + "; steps done, µs: " + steps.timeline() + "; our UCX probe " + probeState
            + ", the peer's " + (steps.isDone(Step.PROBE_IN) ? "arrived" : "not arrived") + ")");
      }
    });
  }

  private void onFrameSafely(OobCodec.Frame frame) {
    if (ended) {
      return;
    }
    heartbeats.heard();
    try {
      switch (frame.kind()) {
        case OobCodec.READY -> onReady(frame.body());
        case OobCodec.HEARTBEAT -> { }
        // the peer finalizes: its worker goes away, so its endpoint is forced closed (a flush would wait for it)
        case OobCodec.TERM -> end("terminated by the peer: " + OobCodec.decodeTerm(frame.body()), true,
            Departure.FINALIZED);
        case OobCodec.ERROR -> {
          OobCodec.ErrorFrame e = OobCodec.decodeError(frame.body());
          failed("the peer refused: " + e.text() + " (code " + e.code() + ")");
        }
        default -> onFrame(frame);
      }
    } catch (ProtocolException e) {
      protocolError(e);
    } catch (RuntimeException e) {
      LOG.error("{}: unexpected failure handling {}", peer, OobCodec.kindName(frame.kind()), e);
      refuse(OobCodec.ERR_PROTOCOL, "internal error: " + e);
    }
  }

  /** Role-specific frames. */
  abstract void onFrame(OobCodec.Frame frame);

  /** Called when the peer is gone for good (after the phase is DISCONNECTED). */
  abstract void onEnded(String reason);

  void protocolError(ProtocolException e) {
    refuse(OobCodec.ERR_PROTOCOL, e.getMessage());
  }

  /** Tells the peer why, then drops it. */
  void refuse(int code, String reason) {
    if (ended) {
      return;
    }
    PEER_WARNINGS.warn("{}: dropping peer at {}: {}", peer.context().id() + "/peer " + peer.id(), socket.remoteAddress(),
        reason);
    socket.write(OobCodec.error(code, reason));
    end(reason, true, Departure.CLOSED);
  }

  void failed(String reason) {
    PEER_WARNINGS.warn("{}: {}", peer, reason);
    end(reason, true, Departure.LOST);
  }

  void lost(String reason) {
    if (!ended && peer.phase().isReady()) {
      LOG.info("{}: peer lost: {}", peer, reason);
    }
    end(reason, true, Departure.LOST);
  }

  private Future<Void> end(String reason, boolean peerGone, Departure how) {
    if (ended) {
      return Future.succeededFuture();
    }
    ended = true;
    cancelTimers();
    peer.disconnect(reason, how);
    Future<Void> closed = site.transport().notifications().closeChannel(peer.channel(), "peer " + peer.id() + " of "
        + peer.context().id() + " disconnected: " + reason, peerGone);
    Promise<Void> done = loop.promise();
    closed.onComplete(v -> {
      peer.endpoint(null);
      socket.close().onComplete(x -> {
        // A lost peer may stay listed for a while: it must not keep this connection (socket, buffers) alive.
        if (peer.link() == this) {
          peer.link(null);
        }
        done.complete();
      });
    });
    onEnded(reason);
    return done.future();
  }

  @Override
  public Future<Void> terminate(String reason) {
    Promise<Void> done = loop.promise();
    loop.runOnContext(v -> {
      if (ended) {
        done.complete();
        return;
      }
      socket.write(OobCodec.term(reason));
      end(reason, false, Departure.CLOSED).onComplete(done);
    });
    return done.future();
  }

  // ------------------------------------------------------------------ the UCX part, both sides

  /**
   * Creates our endpoint to {@code address} and posts the probe on it, in one trip to the
   * progress thread; back on the event loop the phase becomes UCX_CONNECT_DONE.
   */
  Future<Void> connectUcx(byte[] address) {
    steps.start(Step.ENDPOINT);
    String name = peer.context().id() + "-peer-" + peer.id();
    probe = site.probes().issue();
    peer.workerAddress(address);
    Buffer probePayload = Buffer.buffer(probe);
    return site.transport().ucx().call(() -> {
      long t0 = System.nanoTime();
      var ep = site.transport().ucx().connect(address, name);
      endpointNanos = System.nanoTime() - t0;
      peer.channel().endpoint(ep);
      probeState = "posted, its send not complete";
      site.transport().notifications().send(peer.channel(), EventTypes.BOOTSTRAP_PROBE, probePayload)
          .onSuccess(v -> probeState = "sent")
          .onFailure(e -> loop.runOnContext(v -> failed("UCX probe failed: " + e.getMessage())));
      return ep;
    }).map(ep -> {
      if (ended) {
        return null;
      }
      peer.endpoint(ep);
      steps.done(Step.ENDPOINT);
      peer.advance(BootstrapPhase.UCX_CONNECT_DONE, null);
      steps.start(Step.PROBE_OUT);
      if (peerProbe != null) {
        socket.write(OobCodec.bytesFrame(OobCodec.READY, peerProbe)); // held back until this side takes notifications
      }
      maybeDone();
      return null;
    });
  }

  /**
   * The peer's probe reached us over UCX: echo its payload on the socket ({@link ProbeNonce}), once
   * our side is UCX_CONNECT_DONE too (our probe goes out with the endpoint, so the peer's probe can
   * come before we advanced; a READY then would let the peer finish bootstrap and send to us while
   * we still refuse sends).
   */
  @Override
  public void onProbe(Buffer payload) {
    loop.runOnContext(v -> probed(payload));
  }

  private void probed(Buffer payload) {
    if (ended || steps.isDone(Step.PROBE_IN)) {
      return;
    }
    byte[] p = payload.getBytes();
    if (site.probes().isOwn(p)) {
      refuse(OobCodec.ERR_PROTOCOL, "the UCX probe on this connection came from this process itself: the peer gave "
          + "this process's own worker address (a peer must own the address it sends; nothing bootstraps with itself)");
      return;
    }
    if (p.length != ProbeNonce.LENGTH) {
      refuse(OobCodec.ERR_PROTOCOL, "UCX probe of " + p.length + " bytes (expected " + ProbeNonce.LENGTH + ")");
      return;
    }
    steps.done(Step.PROBE_IN);
    if (steps.isDone(Step.ENDPOINT)) {
      socket.write(OobCodec.bytesFrame(OobCodec.READY, p));
    } else {
      peerProbe = p;
    }
    maybeDone();
  }

  private void onReady(Buffer body) {
    // the probe is posted with the endpoint, so the peer's READY may come before the event loop
    // has seen the endpoint made: only a READY before we started making it is out of order
    if (steps.state(Step.ENDPOINT) == BootstrapSteps.State.NOT_STARTED) {
      throw new ProtocolException("READY before this side sent its probe");
    }
    if (readyReceived) {
      throw new ProtocolException("second READY");
    }
    byte[] echo = OobCodec.decodeBytes(body, "READY", ProbeNonce.LENGTH);
    if (!java.security.MessageDigest.isEqual(echo, probe)) {
      refuse(OobCodec.ERR_PROTOCOL, "READY does not echo the UCX probe sent to the peer's worker address: the peer "
          + "does not receive UCX messages at the address it sent");
      return;
    }
    readyReceived = true;
    steps.done(Step.PROBE_OUT);
    maybeDone();
  }

  private void maybeDone() {
    if (readyReceived && steps.isDone(Step.PROBE_IN) && steps.isDone(Step.ENDPOINT)
        && peer.advance(BootstrapPhase.BOOTSTRAP_DONE, null)) {
      if (handshakeTimer >= 0) {
        site.vertx().cancelTimer(handshakeTimer);
        handshakeTimer = -1;
      }
      heartbeats.start();
      if (STEPS.isDebugEnabled()) {
        STEPS.debug("{} bootstrap steps (µs after the socket): {}; creating the UCX endpoint took {} µs", peer,
            steps.timeline(), endpointNanos / 1000);
      }
      onBootstrapDone();
    }
  }

  /** Hook for the role (complete the client's future, register the rank, ...). */
  void onBootstrapDone() {
  }

  private void cancelTimers() {
    if (handshakeTimer >= 0) {
      site.vertx().cancelTimer(handshakeTimer);
      handshakeTimer = -1;
    }
    heartbeats.stop();
  }

  boolean ended() {
    return ended;
  }
}
