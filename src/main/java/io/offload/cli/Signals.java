package io.offload.cli;

import sun.misc.Signal;

/** SIGTERM / SIGINT run a clean shutdown instead of killing the JVM mid-flight. */
final class Signals {

  private Signals() {
  }

  static void onTermination(Runnable shutdown) {
    Signal.handle(new Signal("TERM"), s -> shutdown.run());
    Signal.handle(new Signal("INT"), s -> shutdown.run());
  }
}
