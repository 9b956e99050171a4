package io.offload.ucx;

import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;

/**
 * A child JVM that makes the JVM raise its own SIGSEGVs (a thread throwing NullPointerExceptions
 * from compiled code: implicit null checks) while an engine loads UCX, then closes it and prints
 * {@code survived}. With UCX's error-signal handlers on, one of those SIGSEGVs lands in UCX's
 * handler while the library loads and the JVM dies ({@code SIGSEGV ... (sent by kill)}).
 */
public final class SignalStorm {

  private static volatile boolean stop;
  private static long faults;

  private SignalStorm() {
  }

  static int length(String s) {
    return s.length();
  }

  public static void main(String[] args) throws Exception {
    Thread[] storms = new Thread[2];
    for (int i = 0; i < storms.length; i++) {
      storms[i] = new Thread(() -> {
        String none = null;
        long n = 0;
        while (!stop) {
          try {
            n += length(none);
          } catch (NullPointerException expected) {
            n++;
          }
        }
        synchronized (SignalStorm.class) {
          faults += n;
        }
      }, "signal-storm-" + i);
      storms[i].setDaemon(true);
      storms[i].start();
    }
    Thread.sleep(300); // compiled by then: each NPE is a SIGSEGV the JVM handles itself
    Vertx vertx = Vertx.vertx();
    OffloadEngine engine = OffloadEngine.create(vertx, new EngineOptions()).await(60, TimeUnit.SECONDS);
    stop = true;
    for (Thread t : storms) {
      t.join();
    }
    engine.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    System.out.println("survived " + faults + " null pointer exceptions while UCX loaded");
    System.exit(0);
  }
}
