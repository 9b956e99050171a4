package io.offload.cli;

import java.io.IOException;
import java.net.InetAddress;

/** This machine's name, to find it in a platform file. */
final class Hosts {

  private Hosts() {
  }

  /** The host name, or "localhost" when it cannot be told. */
  static String thisHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
