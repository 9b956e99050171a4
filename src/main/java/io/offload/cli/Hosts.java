package io.offload.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/** This machine's names and addresses, to find it in a topology. */
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

  /** Host name, canonical name and every interface address. */
  static Set<String> namesAndAddresses() throws IOException {
    Set<String> me = new HashSet<>();
    me.add(InetAddress.getLocalHost().getHostName());
    me.add(InetAddress.getLocalHost().getCanonicalHostName());
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      Collections.list(nif.getInetAddresses()).forEach(a -> me.add(a.getHostAddress()));
    }
    return me;
  }
}
