package io.offload.bootstrap;

/** A bootstrap failed: cannot listen, cannot connect, refused, timed out. The message says which. */
public final class BootstrapException extends RuntimeException {

  public BootstrapException(String message) {
    super(message);
  }

  public BootstrapException(String message, Throwable cause) {
    super(message, cause);
  }
}
