package io.offload.notify.impl;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.impl.BufferImpl;

/**
 * The Vert.x view of a pooled rendezvous receive buffer, lent to a fast-path handler. When the
 * handler sends it on ({@code notify(peer, type, n.payload())}, an echo or a forward), the library
 * recognises it and sends from the received memory itself, held until UCX completes the send:
 * no copy of a large payload on the way back.
 */
final class LentPayload extends BufferImpl {

  final RendezvousReceive owner;

  LentPayload(ByteBuf buf, RendezvousReceive owner) {
    super(buf);
    this.owner = owner;
  }
}
