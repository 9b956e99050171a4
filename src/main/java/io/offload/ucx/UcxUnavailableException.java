package io.offload.ucx;

/** The system UCX library (libucp.so.0) could not be loaded. */
public final class UcxUnavailableException extends RuntimeException {

  public static final String HINT =
      "UCX is not installed: run 'sudo apt-get install -y libucx0' (Debian/Ubuntu), then retry";

  public UcxUnavailableException(Throwable cause) {
    super(HINT + " (" + cause.getMessage() + ")", cause);
  }
}
