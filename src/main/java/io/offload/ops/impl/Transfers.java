package io.offload.ops.impl;

import io.offload.memory.PeerRegion;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Starts the one-sided transfers of {@link Flows} and brings their ends back: a pooled
 * {@link Move} per transfer is its own callback; ended moves are queued and handled in one task
 * per burst on the UCX context (outside UCX's progress call), then recycled.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class Transfers {

  private static final Logger LOG = LoggerFactory.getLogger(Transfers.class);

  private final Context ucx;
  private final Consumer<Move> onEnd;
  private final Runnable afterBurst;
  private final ArrayDeque<Move> pool = new ArrayDeque<>();
  private final ArrayDeque<Move> ended = new ArrayDeque<>();
  private boolean scheduled;

  /** @param onEnd what to do with each ended move; {@code afterBurst} after each burst of them */
  Transfers(Context ucx, Consumer<Move> onEnd, Runnable afterBurst) {
    this.ucx = ucx;
    this.onEnd = onEnd;
    this.afterBurst = afterBurst;
  }

  Move move() {
    Move m = pool.poll();
    return m != null ? m : new Move(this);
  }

  /** Reads {@code into} (position to limit) from {@code offset} of a rank's region. */
  void get(Move m, PeerRegion from, long offset, ByteBuffer into) {
    try {
      from.get(offset, into).onComplete(m);
    } catch (RuntimeException e) {
      m.onError(-1, e.toString());
    }
  }

  /** Writes {@code from} (position to limit) at {@code offset} of a rank's region. */
  void put(Move m, PeerRegion into, long offset, ByteBuffer from) {
    try {
      into.put(offset, from).onComplete(m);
    } catch (RuntimeException e) {
      m.onError(-1, e.toString());
    }
  }

  /** Reads slot {@code slot} of another service process's staging region into local memory. */
  void get(Move m, RemoteStagings.Region from, int slot, long localAddress, int length) {
    try {
      from.ep().getNonBlocking(from.address(slot), from.key(), localAddress, length, m);
    } catch (Throwable t) {
      m.onError(-1, t.toString());
    }
  }

  /** From a move's callback: queue, and handle in a task of its own. */
  void ended(Move m) {
    ended.add(m);
    if (!scheduled) {
      scheduled = true;
      ucx.runOnContext(v -> drain());
    }
  }

  private void drain() {
    scheduled = false;
    Move m;
    while ((m = ended.poll()) != null) {
      try {
        onEnd.accept(m);
      } catch (RuntimeException e) {
        LOG.warn("collective transfer bookkeeping failed", e);
      }
      m.clear();
      pool.add(m);
    }
    afterBurst.run();
  }
}
