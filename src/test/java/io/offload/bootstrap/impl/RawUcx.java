package io.offload.bootstrap.impl;

import io.offload.notify.EventTypes;
import io.offload.notify.impl.AmHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpConstants;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.openucx.jucx.ucs.UcsConstants;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The UCX half of a hand-made peer: a real worker of the test's own, progressed only by the test
 * thread, that sends and receives bootstrap probes the way an engine does (active message
 * {@link AmHeader#AM_ID}, header addressed to the peer's channel). With a raw socket for the
 * OOB half, a test plays either side of a handshake frame by frame.
 *
 * <p>Thread safety: the creating thread only.
 */
final class RawUcx implements AutoCloseable {

  /** A probe that reached this worker: the channel it was addressed to and its payload. */
  record Probe(int dstChannel, long eventId, byte[] payload) {
  }

  private static final long BOUND_NANOS = 20_000_000_000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final UcpContext context = new UcpContext(new UcpParams().requestAmFeature().requestWakeupFeature());
  private final UcpWorker worker = context.newWorker(new UcpWorkerParams());
  private final List<Probe> probes = new ArrayList<>();
  private final List<UcpEndpoint> endpoints = new ArrayList<>();
  private final List<ByteBuffer> inFlight = new ArrayList<>(); // UCX reads them until the send completes
  private final UnsafeBuffer header = new UnsafeBuffer(new byte[0]);

  RawUcx() {
    // UCX 1.13 aborts on an active message whose id has no handler: take every one, keep the probes
    worker.setAmRecvHandler(AmHeader.AM_ID, (headerAddress, headerLength, data, replyEp) -> {
      header.wrap(headerAddress, (int) headerLength);
      if (headerLength == AmHeader.LENGTH && data.isDataValid()
          && header.getInt(AmHeader.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN) == EventTypes.BOOTSTRAP_PROBE) {
        byte[] payload = new byte[(int) data.getLength()];
        UcxUtils.getByteBufferView(data.getDataAddress(), payload.length).get(payload);
        probes.add(new Probe(header.getInt(AmHeader.DST_CHANNEL_OFFSET, ByteOrder.LITTLE_ENDIAN),
            header.getLong(AmHeader.EVENT_ID_OFFSET, ByteOrder.LITTLE_ENDIAN), payload));
      }
      return UcsConstants.STATUS.UCS_OK;
    }, UcpConstants.UCP_AM_FLAG_WHOLE_MSG);
  }

  byte[] address() {
    ByteBuffer a = worker.getAddress();
    byte[] bytes = new byte[a.remaining()];
    a.get(bytes);
    return bytes;
  }

  /** Progresses this worker until {@code done}; throws after a generous bound (a wait, not a timing check). */
  void until(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + BOUND_NANOS;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what + " (probes so far: " + probes.size() + ")");
      }
      progress();
    }
  }

  private void progress() {
    try {
      worker.progress();
    } catch (Exception e) {
      throw new IllegalStateException("UCX progress failed", e);
    }
  }

  /** Waits for the probe addressed to {@code channel}. */
  Probe probeFor(int channel) {
    until("a probe for channel " + channel, () -> probes.stream().anyMatch(p -> p.dstChannel() == channel));
    return probes.stream().filter(p -> p.dstChannel() == channel).findFirst().orElseThrow();
  }

  boolean hasProbeFor(int channel) {
    progress();
    return probes.stream().anyMatch(p -> p.dstChannel() == channel);
  }

  /** Sends a fresh probe (32 random bytes) to channel {@code dstChannel} of the worker at {@code address}. */
  byte[] sendProbe(byte[] address, int dstChannel) {
    return sendProbe(address, dstChannel, ProbeNonce.LENGTH);
  }

  /** The same with a payload of {@code length} random bytes. */
  byte[] sendProbe(byte[] address, int dstChannel, int length) {
    byte[] payload = new byte[length];
    RANDOM.nextBytes(payload);
    ByteBuffer a = ByteBuffer.allocateDirect(address.length).put(address).flip();
    UcpEndpoint ep = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(a));
    endpoints.add(ep);
    ByteBuffer h = ByteBuffer.allocateDirect(AmHeader.LENGTH);
    AmHeader.write(h, dstChannel, EventTypes.BOOTSTRAP_PROBE, 0, payload.length, 0);
    ByteBuffer p = ByteBuffer.allocateDirect(payload.length).put(payload).flip();
    inFlight.add(h);
    inFlight.add(p);
    boolean[] done = {false};
    ep.sendAmNonBlocking(AmHeader.AM_ID, UcxUtils.getAddress(h), AmHeader.LENGTH, UcxUtils.getAddress(p),
        payload.length, 0, new UcxCallback() {
          @Override
          public void onSuccess(UcpRequest request) {
            done[0] = true;
          }
        });
    until("our probe sent", () -> done[0]);
    return payload;
  }

  /**
   * Closes every endpoint made so far, progressing until closed. Flushed, not forced: UCX refuses
   * to force-close an endpoint made without peer error handling ("Invalid parameter").
   */
  void closeEndpoints() {
    List<UcpRequest> closing = new ArrayList<>();
    for (UcpEndpoint ep : endpoints) {
      closing.add(ep.closeNonBlockingFlush());
    }
    endpoints.clear();
    until("our endpoints closed", () -> closing.stream().allMatch(UcpRequest::isCompleted));
    inFlight.clear();
  }

  /** Closes the endpoints, then the worker and context. */
  @Override
  public void close() {
    closeEndpoints();
    worker.close();
    context.close();
  }
}
