package io.offload.cli;

/**
 * System properties every CLI command sets first (before Netty loads, in a JVM the CLI started),
 * unless the user set them:
 * each is start-up work that a command never needs, measured in the demo's child JVMs (README, "Demo
 * with one JVM per process").
 */
final class StartupProperties {

  /**
   * Netty 4.2 emits JFR events for its buffer pools when JFR is available: the first pooled buffer
   * (a rank's first OOB write) loads a {@code jdk.jfr.Event} class, and the JDK instruments it on
   * the spot. That was about an eighth of a rank's CPU in the 68-JVM demo, with no recording
   * running to receive the events.
   */
  static final String NETTY_JFR = "io.netty.jfr.enabled";

  /**
   * picocli registers a converter for every {@code java.time} and {@code java.sql} type by loading
   * the class, and {@code java.time.MonthDay}'s static formatter pulls in the locale data: about a
   * fifth of picocli's start-up. No option of the CLI has such a type (comma-separated regular
   * expressions, picocli's own property).
   */
  static final String PICOCLI_CONVERTERS_EXCLUDES = "picocli.converters.excludes";

  private StartupProperties() {
  }

  /** Sets each property that is not set yet; idempotent. */
  static void apply() {
    setUnlessSet(NETTY_JFR, "false");
    setUnlessSet(PICOCLI_CONVERTERS_EXCLUDES, "java\\.time\\..*,java\\.sql\\..*");
  }

  private static void setUnlessSet(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
