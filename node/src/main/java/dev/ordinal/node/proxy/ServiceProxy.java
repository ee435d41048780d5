package dev.ordinal.node.proxy;

import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import dev.ordinal.node.ServiceRoutes;
import dev.ordinal.node.runc.HostCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's job on this machine: keeps the nat table's ORDINAL chains equal to what
 * {@link ProxyRules} makes of the Services and their Endpoints (rewritten whole, atomically, with
 * {@code iptables-restore --noflush}), hooked into PREROUTING and OUTPUT; removes them on close.
 * Tells the node agent which pod addresses the rules in force send connections to, so that a
 * deleted pod is stopped only once they no longer do.
 */
public final class ServiceProxy implements AutoCloseable, ServiceRoutes {
  private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);
  private static final String KEY = "rules";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Informer services;
  private final Informer endpoints;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final List<List<String>> hooks = List.of(
      List.of("PREROUTING", "-j", ProxyRules.SERVICES), List.of("OUTPUT", "-j", ProxyRules.SERVICES),
      List.of("POSTROUTING", "-j", ProxyRules.POSTROUTING));

  private final String podCidr;
  /** The endpoint addresses of the rules last written (none before the first write). */
  private volatile Set<String> routed = Set.of();

  public ServiceProxy(Client client, String podCidr) {
    this.podCidr = podCidr;
    this.services = new Informer(client, Types.SERVICES).onChange((o, n, d) -> queue.add(KEY));
    this.endpoints = new Informer(client, Types.ENDPOINTS).onChange((o, n, d) -> queue.add(KEY));
    this.worker = new Worker("service-proxy", queue, k -> sync(), 1).withCoolDown(k -> Duration.ofMillis(50));
  }

  public void start() {
    services.start();
    endpoints.start();
    worker.start();
    queue.add(KEY);
  }

  private Optional<Duration> sync() throws IOException {
    String rules = ProxyRules.render(services.all(), (ns, name) -> endpoints.get(ns, name), podCidr);
    run(List.of("iptables-restore", "--noflush"), rules);
    routed = ProxyRules.destinations(rules);
    for (List<String> hook : hooks) {
      List<String> rule = hook.subList(1, hook.size());
      if (!ok(concat(List.of("iptables", "-t", "nat", "-C", hook.get(0)), rule))) {
        run(concat(List.of("iptables", "-t", "nat", "-I", hook.get(0), "1"), rule), null);
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean routesTo(String podIp) {
    return routed.contains(podIp);
  }

  @Override
  public void close() {
    worker.close();
    services.close();
    endpoints.close();
    try {
      for (List<String> hook : hooks) {
        ok(concat(List.of("iptables", "-t", "nat", "-D", hook.get(0)), hook.subList(1, hook.size())));
      }
      String current = output(List.of("iptables-save", "-t", "nat"));
      for (String line : current.lines().toList()) {
        if (line.startsWith(":ORDINAL-") || line.startsWith(":ORD-")) {
          ok(List.of("iptables", "-t", "nat", "-F", line.substring(1, line.indexOf(' '))));
        }
      }
      for (String line : current.lines().toList()) {
        if (line.startsWith(":ORDINAL-") || line.startsWith(":ORD-")) {
          ok(List.of("iptables", "-t", "nat", "-X", line.substring(1, line.indexOf(' '))));
        }
      }
    } catch (IOException e) {
      log.warn("removing the service rules: {}", e.getMessage());
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private static boolean ok(List<String> command) throws IOException {
    return HostCommand.run(command, TIMEOUT).ok();
  }

  private static String output(List<String> command) throws IOException {
    return HostCommand.run(command, TIMEOUT).stdout();
  }

  private static void run(List<String> command, String stdin) throws IOException {
    HostCommand.Result r = HostCommand.run(command, java.util.Map.of(), stdin, TIMEOUT);
    if (!r.ok()) {
      throw new IOException(command.get(0) + " failed: " + r.why());
    }
  }
}
