package io.offload.ucx;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * UCX's error-signal handlers and the JVM.
 *
 * <p>When {@code libucs} is loaded it installs its own handlers for the signals named by
 * {@code UCX_ERROR_SIGNALS} (default {@code ILL,SEGV,BUS,FPE}); JUCX removes them again in its
 * {@code JNI_OnLoad} ({@code ucs_debug_disable_signals}). The JVM raises SIGSEGV on purpose all
 * the time (implicit null checks, safepoint polls). Any such SIGSEGV raised by another thread in
 * the window between the two is caught by UCX, which prints a backtrace and re-raises it: the JVM
 * dies with {@code SIGSEGV (0xb) ... (sent by kill)} in an ordinary Java frame. Seen about once
 * per 650 rank launches, and reproduced every time by a thread that throws NullPointerExceptions
 * from compiled code while UCX loads ({@code UcxSignalsTest}).
 *
 * <p>The only fix is in the environment of the process, before UCX loads: {@code
 * UCX_ERROR_SIGNALS} set to the empty string. JUCX's {@code UcpParams.setConfig} does exist in
 * 1.12.1, but UCX reads this variable (a global UCS option, not a UCP context option) when the
 * library is loaded, before any {@code UcpContext}: too late. So the launcher ({@code offload})
 * exports it, every child JVM the project starts gets it ({@link #protect(Map)}), and an engine
 * created in a JVM without it logs one warning ({@link #warnIfUnprotected()}). Library users
 * start their JVM with {@code UCX_ERROR_SIGNALS=} in its environment.
 */
public final class UcxSignals {

  /** The environment variable UCX reads when its library loads. */
  public static final String VARIABLE = "UCX_ERROR_SIGNALS";

  private static final Logger LOG = LoggerFactory.getLogger(UcxSignals.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private UcxSignals() {
  }

  /**
   * Sets {@code UCX_ERROR_SIGNALS} to empty in {@code environment} (a child's, from
   * {@link ProcessBuilder#environment()}) unless it says otherwise already.
   */
  public static Map<String, String> protect(Map<String, String> environment) {
    environment.putIfAbsent(VARIABLE, "");
    return environment;
  }

  /** Whether this JVM was started with UCX's error-signal handlers turned off. */
  public static boolean isProtected(Map<String, String> environment) {
    String v = environment.get(VARIABLE);
    return v != null && v.isBlank();
  }

  /** Logs one warning per JVM when UCX is about to load with its error-signal handlers on. */
  public static void warnIfUnprotected() {
    if (!isProtected(System.getenv()) && WARNED.compareAndSet(false, true)) {
      String v = System.getenv(VARIABLE);
      LOG.warn("{} is {}: UCX installs handlers for these signals while it loads, and a SIGSEGV the JVM raises on "
          + "purpose at that moment kills the JVM ('SIGSEGV ... (sent by kill)'). Start this JVM with {}= (empty) in "
          + "its environment.", VARIABLE, v == null ? "not set (UCX default ILL,SEGV,BUS,FPE)" : "'" + v + "'", VARIABLE);
    }
  }
}
