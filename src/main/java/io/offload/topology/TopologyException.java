package io.offload.topology;

/** A topology file is unreadable or invalid; the message names the file, the line and the field. */
public final class TopologyException extends RuntimeException {

  public TopologyException(String message) {
    super(message);
  }

  public TopologyException(String message, Throwable cause) {
    super(message, cause);
  }
}
