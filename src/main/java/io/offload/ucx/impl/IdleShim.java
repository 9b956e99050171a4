package io.offload.ucx.impl;

import org.agrona.concurrent.IdleStrategy;

import java.util.function.Supplier;

/**
 * The progress thread's runner needs its idle strategy before the thread starts, but the real one
 * sleeps in the worker, which is made on that thread: this delegates to it once it exists.
 */
final class IdleShim implements IdleStrategy {

  private final Supplier<ProgressIdleStrategy> real;

  IdleShim(Supplier<ProgressIdleStrategy> real) {
    this.real = real;
  }

  @Override
  public void idle(int workCount) {
    ProgressIdleStrategy s = real.get();
    if (s != null) {
      s.idle(workCount);
    }
  }

  @Override
  public void idle() {
    idle(0);
  }

  @Override
  public void reset() {
    ProgressIdleStrategy s = real.get();
    if (s != null) {
      s.reset();
    }
  }
}
