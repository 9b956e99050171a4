package io.offload.bootstrap.impl;

import io.offload.bootstrap.impl.BootstrapSteps.Step;
import io.offload.bootstrap.impl.BootstrapSteps.State;
import io.offload.context.BootstrapPhase;
import io.vertx.core.Promise;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one side's state machine says about a peer at one moment, read on its event loop (the
 * only thread that writes it), so that it is the state after the frame just handled.
 */
record HandshakeSteps(BootstrapPhase phase, Map<Step, State> steps, Step current) {

  static HandshakeSteps of(PeerConnection c) {
    Promise<HandshakeSteps> p = Promise.promise();
    c.loop.runOnContext(v -> {
      Map<Step, State> m = new EnumMap<>(Step.class);
      for (Step s : Step.values()) {
        m.put(s, c.steps.state(s));
      }
      p.complete(new HandshakeSteps(c.peer.phase(), m, c.steps.current()));
    });
    try {
      return p.future().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the event loop did not answer", e);
    }
  }

  /** The expected map: these steps done, those in progress, the rest not started. */
  static Map<Step, State> expect(List<Step> done, Step... inProgress) {
    Map<Step, State> m = new EnumMap<>(Step.class);
    for (Step s : Step.values()) {
      m.put(s, State.NOT_STARTED);
    }
    done.forEach(s -> m.put(s, State.DONE));
    for (Step s : inProgress) {
      m.put(s, State.IN_PROGRESS);
    }
    return m;
  }
}
