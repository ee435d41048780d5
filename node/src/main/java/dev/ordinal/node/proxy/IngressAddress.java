package dev.ordinal.node.proxy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one address node ports and LoadBalancers are served on: where Ordinal was told to listen
 * ({@code ordinal up --listen}, loopback by default), so that nothing is reachable from other
 * machines unless the API is too. A wildcard ({@code 0.0.0.0}, {@code ::}) does not widen this
 * to every address: the first IPv4 address of a host interface is taken, skipping loopback and
 * the interfaces made for containers (pods' veths, Ordinal's bridge, CNI's, Docker's).
 */
final class IngressAddress {
  private static final List<String> VIRTUAL = List.of("lo", "veth", "ord", "cni", "docker", "br-");

  private IngressAddress() {}

  /** An interface as far as the choice goes. */
  record Interface(String name, boolean up, List<InetAddress> addresses) {}

  static String of(String listen) {
    if (!isWildcard(listen)) {
      try {
        return InetAddress.getByName(listen).getHostAddress();
      } catch (UnknownHostException e) {
        return listen;
      }
    }
    List<Interface> found = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        found.add(new Interface(ni.getName(), ni.isUp() && !ni.isLoopback(), Collections.list(ni.getInetAddresses())));
      }
    } catch (SocketException e) {
      // no interfaces to read: loopback below
    }
    return choose(found);
  }

  static boolean isWildcard(String listen) {
    return listen.isEmpty() || listen.equals("0.0.0.0") || listen.equals("::") || listen.equals("[::]");
  }

  /** The first IPv4 address of an interface that is up and not virtual; loopback when there is none. */
  static String choose(List<Interface> interfaces) {
    for (Interface i : interfaces) {
      if (!i.up() || VIRTUAL.stream().anyMatch(i.name()::startsWith)) {
        continue;
      }
      for (InetAddress a : i.addresses()) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return a.getHostAddress();
        }
      }
    }
    return "127.0.0.1";
  }
}
