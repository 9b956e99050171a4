package io.offload.ops.impl;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.ucp.UcpRequest;

/**
 * One UCX transfer in flight and what to do when it ends; also its own completion callback (of a
 * rank region's future, or of a raw JUCX request between service processes), so that none is
 * allocated per transfer (moves are pooled by {@link Transfers}). The callback only queues the move:
 * the next step runs outside UCX's progress call.
 *
 * <p>Thread safety: the UCX thread only.
 */
final class Move extends UcxCallback implements Handler<AsyncResult<Void>> {

  /** Read a chunk of a local sender into a local slot, then put it into the local receivers. */
  static final int LOCAL_GET = 1;
  /** Put a slot into a local receiver. */
  static final int PUT = 2;
  /** Read a chunk of a local sender into an outbound slot, for the service process that asked. */
  static final int READ = 3;
  /** Get a chunk from another service process's outbound slot into an inbound slot. */
  static final int MESH_GET = 4;

  private final Transfers flows;
  int kind;
  Round round;
  Block block;
  /** Local rank whose memory this touches (receiver for PUT, sender for the reads). */
  int li;
  int slot;
  int offset;
  int length;
  /** READ: the pull being served; MESH_GET: the pull being completed. */
  Pulls.Pull pull;
  int requester;
  int remoteSlot;
  int pullIndex;
  int pullGeneration;
  boolean ok;
  String error;

  Move(Transfers flows) {
    this.flows = flows;
  }

  Move set(int kind, Round round, Block block, int li, int slot, int offset, int length) {
    this.kind = kind;
    this.round = round;
    this.block = block;
    this.li = li;
    this.slot = slot;
    this.offset = offset;
    this.length = length;
    this.pull = null;
    this.error = null;
    return this;
  }

  @Override
  public void handle(AsyncResult<Void> ar) {
    ok = ar.succeeded();
    error = ok ? null : String.valueOf(ar.cause().getMessage());
    flows.ended(this);
  }

  @Override
  public void onSuccess(UcpRequest request) {
    ok = true;
    flows.ended(this);
  }

  @Override
  public void onError(int status, String message) {
    ok = false;
    error = "status " + status + ": " + message;
    flows.ended(this);
  }

  void clear() {
    round = null;
    block = null;
    pull = null;
    error = null;
  }
}
