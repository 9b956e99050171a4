package io.offload.notify;

/** A notification could not be sent or delivered; the message says why. */
public final class NotificationException extends RuntimeException {

  public NotificationException(String message) {
    super(message);
  }
}
