package io.offload.cli;

/** Logging levels for the CLI (SLF4J simple logger, configured before first use). */
final class Logging {

  private Logging() {
  }

  static void setVerbose(boolean verbose) {
    if (verbose) {
      System.setProperty("org.slf4j.simpleLogger.log.io.offload", "debug");
    }
  }
}
