package io.offload.notify.impl;

import io.offload.notify.NotificationException;

import io.vertx.core.Promise;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpRequest;

import java.nio.ByteBuffer;

/**
 * One outgoing notification: header, payload and completion. Pooled: the header buffer and the
 * UCX callback are made once per event object and reused. The header must stay valid until UCX
 * completes the send (UCX 1.13 does not copy it).
 *
 * <p>Thread safety: filled by the emitting thread, then owned by the progress thread.
 */
final class SendEvent extends UcxCallback {

  final ByteBuffer header = ByteBuffer.allocateDirect(AmHeader.LENGTH);
  final long headerAddress = UcxUtils.getAddress(header);
  int type;
  ByteBuffer payload;
  long payloadAddress;
  int payloadSize;
  boolean libraryOwnsPayload;
  /** Sent straight from a received rendezvous buffer, held until the send completes; else null. */
  RendezvousReceive heldReceive;
  Promise<Void> promise;
  Channel channel;
  /** Set when the channel failed while UCX still held the event: late callbacks are ignored. */
  boolean abandoned;

  void fill(int type, ByteBuffer payload, boolean libraryOwnsPayload, Promise<Void> promise) {
    this.type = type;
    this.payload = payload;
    this.payloadSize = payload == null ? 0 : payload.remaining();
    this.payloadAddress = payload == null || payloadSize == 0 ? 0 : UcxUtils.getAddress(payload); // of its position already
    this.libraryOwnsPayload = libraryOwnsPayload;
    this.promise = promise;
    this.abandoned = false;
  }

  @Override
  public void onSuccess(UcpRequest request) {
    if (!abandoned) {
      channel.completed(this, null);
    }
  }

  @Override
  public void onError(int status, String message) {
    if (!abandoned) {
      channel.completed(this, new NotificationException("UCX send failed, status " + status + ": " + message));
    }
  }
}
