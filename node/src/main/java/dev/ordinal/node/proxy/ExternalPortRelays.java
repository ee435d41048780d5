package dev.ordinal.node.proxy;

import dev.ordinal.node.proxy.ExternalPorts.Listener;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps one {@link Relay} open per planned listener: those no longer planned are closed first
 * (so a port that moves between Services is free again), then the missing ones opened. Not
 * thread-safe: the proxy's one worker drives it.
 */
final class ExternalPortRelays implements AutoCloseable {
  /** How a listener is opened; a test substitutes its own. */
  interface Opener {
    /** @throws IOException when the endpoint cannot be bound */
    Closeable open(Listener listener) throws IOException;
  }

  /**
   * The outcome of one sync.
   *
   * @param open the listeners open now
   * @param failed the listeners that could not be opened, with why (e.g. "Address already in use")
   */
  record Outcome(Set<Listener> open, Map<Listener, String> failed) {}

  private final Opener opener;
  private final Map<Listener, Closeable> relays = new HashMap<>();

  ExternalPortRelays(Opener opener) {
    this.opener = opener;
  }

  /** Relays to the Service's cluster IP, as the proxy runs them. */
  static ExternalPortRelays relaying() {
    return new ExternalPortRelays(l -> Relay.open(l.protocol(), l.address(), l.port(),
        new InetSocketAddress(l.clusterIp(), l.servicePort())));
  }

  Outcome sync(List<Listener> wanted) {
    Set<Listener> keep = new HashSet<>(wanted);
    for (Listener gone : new ArrayList<>(relays.keySet())) {
      if (!keep.contains(gone)) {
        Relay.quietly(relays.remove(gone));
      }
    }
    Map<Listener, String> failed = new LinkedHashMap<>();
    for (Listener l : wanted) {
      if (relays.containsKey(l)) {
        continue;
      }
      try {
        relays.put(l, opener.open(l));
      } catch (IOException e) {
        failed.put(l, e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
    return new Outcome(Set.copyOf(relays.keySet()), failed);
  }

  @Override
  public void close() {
    relays.values().forEach(Relay::quietly);
    relays.clear();
  }
}
