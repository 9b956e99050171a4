package io.offload.cli;

import io.offload.engine.OffloadEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpRequest;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: the rank does the alltoallv itself, over UCX endpoints from its worker to every
 * other rank's (made here from their worker addresses), with tagged sends and receives (tag:
 * sequence number and sender), its own block copied in place. Everything runs on the engine's
 * UCX thread; the futures complete there.
 *
 * <p>Thread safety: any thread (the work hops to the UCX thread).
 */
final class DirectAlltoallv {

  private final OffloadEngine engine;
  private final int me;
  private UcpEndpoint[] endpoints;

  DirectAlltoallv(OffloadEngine engine, int me) {
    this.engine = engine;
    this.me = me;
  }

  /** This engine's worker address. */
  Future<byte[]> address() {
    Promise<byte[]> p = Promise.promise();
    engine.ucxContext().runOnContext(v -> {
      ByteBuffer a = engine.ucpWorker().getAddress();
      byte[] bytes = new byte[a.remaining()];
      a.get(bytes);
      p.complete(bytes);
    });
    return p.future();
  }

  /** Endpoints to every other rank, from their worker addresses (index = rank). */
  Future<Void> connect(byte[][] addresses) {
    Promise<Void> p = Promise.promise();
    engine.ucxContext().runOnContext(v -> {
      try {
        endpoints = new UcpEndpoint[addresses.length];
        for (int r = 0; r < addresses.length; r++) {
          if (r != me) {
            ByteBuffer a = ByteBuffer.allocateDirect(addresses[r].length);
            a.put(addresses[r]).flip();
            // no peer error handling mode: with it UCX drops the shared-memory transports for TCP (shared/README)
            endpoints[r] = engine.ucpWorker().newEndpoint(new UcpEndpointParams().setUcpAddress(a)
                .setName("direct-" + me + "-" + r));
          }
        }
        p.complete();
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  /** One alltoallv with these counts and displacements (bytes) between {@code send} and {@code recv}. */
  Future<Void> run(long seq, ByteBuffer send, int[] sc, int[] sd, ByteBuffer recv, int[] rc, int[] rd) {
    Promise<Void> p = Promise.promise();
    engine.ucxContext().runOnContext(v -> {
      int[] left = {0};
      UcxCallback cb = new UcxCallback() {
        @Override
        public void onSuccess(UcpRequest request) {
          if (--left[0] == 0) {
            p.tryComplete();
          }
        }

        @Override
        public void onError(int status, String message) {
          p.tryFail(new IllegalStateException("direct alltoallv: UCX status " + status + ": " + message));
        }
      };
      long sendAddress = UcxUtils.getAddress(send);
      long recvAddress = UcxUtils.getAddress(recv);
      left[0] = 1; // held until every request is issued
      try {
        for (int i = 0; i < rc.length; i++) {
          if (i != me && rc[i] > 0) {
            left[0]++;
            engine.ucpWorker().recvTaggedNonBlocking(recvAddress + rd[i], rc[i], tag(seq, i), -1L, cb);
          }
        }
        for (int j = 0; j < sc.length; j++) {
          if (j != me && sc[j] > 0) {
            left[0]++;
            endpoints[j].sendTaggedNonBlocking(sendAddress + sd[j], sc[j], tag(seq, me), cb);
          }
        }
        recv.put(rd[me], send, sd[me], sc[me]); // its own block
        cb.onSuccess(null);
      } catch (Throwable t) {
        p.tryFail(t);
      }
    });
    return p.future();
  }

  private static long tag(long seq, int from) {
    return (seq << 24) | from;
  }

  /** Closes the endpoints (flushing what is left). */
  Future<Void> close() {
    Promise<Void> p = Promise.promise();
    engine.ucxContext().runOnContext(v -> {
      List<UcpRequest> closing = new ArrayList<>();
      if (endpoints != null) {
        for (UcpEndpoint ep : endpoints) {
          if (ep != null) {
            try {
              closing.add(ep.closeNonBlockingForce());
            } catch (Throwable t) {
              // already gone
            }
          }
        }
      }
      endpoints = null;
      awaitClosed(closing, System.nanoTime() + 2_000_000_000L, p);
    });
    return p.future();
  }

  /** Checks on the UCX thread, every millisecond, until every close request is done (or 2 s passed). */
  private void awaitClosed(List<UcpRequest> closing, long deadline, Promise<Void> p) {
    closing.removeIf(r -> r == null || r.isCompleted());
    if (closing.isEmpty() || System.nanoTime() > deadline) {
      p.complete();
      return;
    }
    engine.vertx().setTimer(1, id -> awaitClosed(closing, deadline, p));
  }
}
