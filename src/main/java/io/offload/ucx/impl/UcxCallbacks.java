package io.offload.ucx.impl;

import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.ucp.UcpRequest;

import java.util.function.BiConsumer;

/** JUCX request callbacks from lambdas ({@link UcxCallback} is a class, not a functional interface). */
final class UcxCallbacks {

  private UcxCallbacks() {
  }

  /** Completion callback adapter for JUCX requests. */
  static UcxCallback callback(Runnable onSuccess, BiConsumer<Integer, String> onError) {
    return new UcxCallback() {
      @Override
      public void onSuccess(UcpRequest request) {
        onSuccess.run();
      }

      @Override
      public void onError(int status, String message) {
        onError.accept(status, message);
      }
    };
  }
}
