package io.offload.ucx.impl;

import org.openucx.jucx.ucp.UcpAmRecvCallback;
import org.openucx.jucx.ucp.UcpConstants;
import org.openucx.jucx.ucp.UcpWorker;

import java.util.ArrayList;
import java.util.List;

/**
 * The active-message handlers set on the worker: held strongly (JUCX must not lose a callback to GC), and their ids
 * kept so that they can be removed from an adopted worker, which outlives the runtime. Progress thread only.
 */
final class AmHandlers {

  private final List<Object> retained = new ArrayList<>();
  private final List<Integer> amIds = new ArrayList<>();

  void set(UcpWorker worker, int amId, UcpAmRecvCallback callback) {
    retained.add(callback);
    amIds.add(amId);
    worker.setAmRecvHandler(amId, callback, UcpConstants.UCP_AM_FLAG_WHOLE_MSG);
  }

  /** Leaves the application's worker without this runtime's handlers. */
  void removeAll(UcpWorker worker) {
    for (int amId : amIds) {
      try {
        worker.removeAmRecvHandler(amId);
      } catch (Throwable t) {
        UcxRuntime.LOG.debug("removing active-message handler {} failed", amId, t);
      }
    }
  }
}
