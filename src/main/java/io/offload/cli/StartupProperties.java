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

  /**
   * Log lines carry the time of day, unless {@code org.slf4j.simpleLogger.showDateTime} is
   * {@code false}: the simple logger builds its date formatter whenever a format is set, shown or
   * not, and that formatter loads the JDK's calendar and locale data, about 5 % of a rank's CPU in
   * the demo. The demo's child JVMs, whose log lines nobody reads, show no time.
   */
  static final String LOG_TIME_FORMAT = "org.slf4j.simpleLogger.dateTimeFormat";
  static final String LOG_SHOW_TIME = "org.slf4j.simpleLogger.showDateTime";

  private StartupProperties() {
  }

  /** Sets each property that is not set yet; idempotent. */
  static void apply() {
    setUnlessSet(NETTY_JFR, "false");
    setUnlessSet(PICOCLI_CONVERTERS_EXCLUDES, "java\\.time\\..*,java\\.sql\\..*");
    if (!"false".equals(System.getProperty(LOG_SHOW_TIME))) {
      setUnlessSet(LOG_TIME_FORMAT, "HH:mm:ss.SSS");
    }
  }

  private static void setUnlessSet(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
