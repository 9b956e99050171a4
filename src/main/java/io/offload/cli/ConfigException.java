package io.offload.cli;

/** A configuration file is unreadable or invalid; the message names the file and field. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
