package io.offload.ucx;

import org.openucx.jucx.ucp.UcpParams;

/**
 * The UCX features an engine uses: active messages (notifications), RMA (one-sided access), tags
 * (the self context's endpoint) and wake-up (a progress thread that sleeps in
 * {@code waitForEvents()}). An engine makes its own context with them; a context an application
 * lets an engine adopt ({@code EngineOptions.setUcpContext}) needs them too.
 *
 * <p>Thread safety: stateless.
 */
public final class UcxFeatures {

  private UcxFeatures() {
  }

  /**
   * Fresh parameters with every required feature requested; add your own settings before making
   * the context (for example {@code setMtWorkersShared(true)} when engines on several threads
   * share it).
   */
  public static UcpParams requiredParams() {
    return new UcpParams().requestAmFeature().requestRmaFeature().requestTagFeature().requestWakeupFeature();
  }
}
