package dev.ordinal.server;

import java.net.InetAddress;
import java.util.Locale;

/** The name this machine's Node gets: its host name, made a valid DNS subdomain. */
final class NodeNames {
  private NodeNames() {}

  static String local() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    String name = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
    return name.isEmpty() ? "localhost" : name.length() > 63 ? name.substring(0, 63) : name;
  }
}
