package io.offload.bootstrap.impl;

import java.util.EnumMap;
import java.util.Map;

/**
 * The request state of each bootstrap exchange of one peer, like the C {@code bootstrapping_t}
 * ({@code addr_size_*, addr_*, rank_*} requests): each step is NOT_STARTED, IN_PROGRESS, DONE
 * or FAILED, so a stalled or broken bootstrap says exactly where it stands.
 *
 * <p>Thread safety: the engine's event loop only; {@link #toString()} may be read anywhere.
 */
public final class BootstrapSteps {

  /** The exchanges, in the order they normally happen. */
  public enum Step {
    /** TCP connection made (client) or accepted (server). */
    SOCKET,
    /** Rank info of the client to the server. */
    HELLO,
    /** Shared-secret challenge and response (only when a secret is set). */
    AUTH,
    /** Server ids and the server's worker address (size then bytes) to the client. */
    SERVER_INFO,
    /** The client's worker address (size then bytes) to the server. */
    CLIENT_ADDRESS,
    /** This side's UCX endpoint to the peer. */
    ENDPOINT,
    /** One active message from us reached the peer (its READY says so). */
    PROBE_OUT,
    /** One active message from the peer reached us. */
    PROBE_IN
  }

  /** State of one step. */
  public enum State { NOT_STARTED, IN_PROGRESS, DONE, FAILED }

  private final Map<Step, State> states = new EnumMap<>(Step.class);
  /** When each step was done, in nanoseconds since this record was made (0: not done). */
  private final long[] doneAt = new long[Step.values().length];
  private final long createdNanos = System.nanoTime();

  public BootstrapSteps() {
    for (Step s : Step.values()) {
      states.put(s, State.NOT_STARTED);
    }
  }

  public void start(Step step) {
    states.put(step, State.IN_PROGRESS);
  }

  public void done(Step step) {
    states.put(step, State.DONE);
    doneAt[step.ordinal()] = Math.max(1, System.nanoTime() - createdNanos);
  }

  /**
   * When each step was done, in microseconds since the connection was made or accepted, in the
   * order they were done ("SOCKET 0, HELLO 31, SERVER_INFO 612, ..."): where a slow bootstrap
   * spends its time (logged at DEBUG by {@code io.offload.bootstrap.steps}).
   */
  public String timeline() {
    StringBuilder b = new StringBuilder();
    Step[] all = Step.values();
    Integer[] order = new Integer[all.length];
    for (int i = 0; i < all.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Long.compare(doneAt[x], doneAt[y]));
    for (int i : order) {
      if (doneAt[i] > 0) {
        b.append(b.length() == 0 ? "" : ", ").append(all[i]).append(' ').append(doneAt[i] / 1000);
      }
    }
    return b.toString();
  }

  public void failed(Step step) {
    states.put(step, State.FAILED);
  }

  public boolean isDone(Step step) {
    return states.get(step) == State.DONE;
  }

  public State state(Step step) {
    return states.get(step);
  }

  /** The first step not done, for error messages ("stalled at CLIENT_ADDRESS"). */
  public Step current() {
    for (Step s : Step.values()) {
      State st = states.get(s);
      if (st == State.IN_PROGRESS || st == State.FAILED) {
        return s;
      }
    }
    for (Step s : Step.values()) {
      if (states.get(s) == State.NOT_STARTED && s != Step.AUTH) {
        return s;
      }
    }
    return null;
  }

  @Override
  public synchronized String toString() {
    return states.toString();
  }
}
