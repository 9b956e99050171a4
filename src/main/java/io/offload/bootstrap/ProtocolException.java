package io.offload.bootstrap;

/**
 * The peer broke the out-of-band protocol (bad magic, version, length, field or order). The
 * connection is answered with an ERROR frame and closed; nothing else is affected.
 */
public final class ProtocolException extends RuntimeException {

  public ProtocolException(String message) {
    super(message);
  }
}
