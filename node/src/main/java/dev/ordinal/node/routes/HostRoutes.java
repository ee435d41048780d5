package dev.ordinal.node.routes;

import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.node.runc.HostCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this host's routes to the other nodes' pod ranges equal to {@link HostRoutesPlanner}'s
 * plan, from an informer on Nodes ({@code ip route replace CIDR via IP}); the routes it added go
 * again when their node does, and at stop.
 */
public final class HostRoutes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostRoutes.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final String self;
  private final Informer nodes;
  private final Map<String, String> installed = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();

  public HostRoutes(Client client, String self) {
    this.self = self;
    this.nodes = new Informer(client, Types.NODES).onChange((old, node, deleted) -> Thread.ofVirtual().start(this::sync));
  }

  public void start() {
    nodes.start();
  }

  private void sync() {
    lock.lock();
    try {
      HostRoutesPlanner.Plan plan = HostRoutesPlanner.plan(self, nodes.all(), Map.copyOf(installed));
      for (HostRoutesPlanner.Route r : plan.replace()) {
        run(List.of("ip", "route", "replace", r.cidr(), "via", r.gateway()));
        installed.put(r.cidr(), r.gateway());
        log.info("pod range {} is reached via {}", r.cidr(), r.gateway());
      }
      for (String cidr : plan.remove()) {
        run(List.of("ip", "route", "del", cidr));
        installed.remove(cidr);
      }
    } finally {
      lock.unlock();
    }
  }

  private static void run(List<String> command) {
    try {
      HostCommand.Result r = HostCommand.run(command, TIMEOUT);
      if (!r.ok()) {
        log.warn("{}: {}", String.join(" ", command), r.why());
      }
    } catch (IOException e) {
      log.warn("{}: {}", String.join(" ", command), e.getMessage());
    }
  }

  /** The routes added, by pod range. */
  public Map<String, String> installed() {
    return Map.copyOf(installed);
  }

  @Override
  public void close() {
    nodes.close();
    lock.lock();
    try {
      for (String cidr : List.copyOf(installed.keySet())) {
        run(List.of("ip", "route", "del", cidr));
      }
      installed.clear();
    } finally {
      lock.unlock();
    }
  }
}
