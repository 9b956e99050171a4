package io.offload.engine;

/**
 * The life of an {@link OffloadEngine}: {@code RUNNING} from creation, {@code FINALIZING} from
 * the first {@link OffloadEngine#close()} (every further use but {@code state}, {@code close},
 * {@code terminated} and {@code progress} throws {@code IllegalStateException}), {@code TERMINATED}
 * once every context is finalized and UCX is closed (or, for an adopted worker, let go of).
 * Never goes back. Each change is published on {@link OffloadEngine#stateAddress()}.
 */
public enum EngineState {
  RUNNING,
  FINALIZING,
  TERMINATED
}
