package io.offload.verticles;

import io.offload.notify.EventTypes;

/** The notification type service processes echo back to the sender (round-trip measurements). */
public final class Echo {

  /** Echoed by every {@link ServiceProcessVerticle} to the peer that sent it. */
  public static final int TYPE = EventTypes.FIRST_USER_TYPE;

  private Echo() {
  }
}
