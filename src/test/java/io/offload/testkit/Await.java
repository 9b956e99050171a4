package io.offload.testkit;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for conditions that have no event to wait on (no sleeps in assertions). */
public final class Await {

  private Await() {
  }

  public static void until(String what, BooleanSupplier condition, long timeout, TimeUnit unit) {
    until(() -> what, condition, timeout, unit);
  }

  public static void until(Supplier<String> what, BooleanSupplier condition, long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " " + unit + " waiting for " + what.get());
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what.get());
      }
    }
  }
}
