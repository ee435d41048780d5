package dev.ordinal.node.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.StatusWrites;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import dev.ordinal.node.proxy.ExternalPorts.Listener;
import dev.ordinal.node.ServiceRoutes;
import dev.ordinal.node.runc.HostCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's job on this machine: keeps the nat table's ORDINAL chains equal to what
 * {@link ProxyRules} makes of the Services and their Endpoints (rewritten whole, atomically, with
 * {@code iptables-restore --noflush}), hooked into PREROUTING and OUTPUT (and, for ports
 * without endpoints, the filter table's OUTPUT and FORWARD); removes them on close.
 *
 * <p>Traffic from outside: node ports and LoadBalancer ports ({@link ExternalPorts}) are served
 * on the ingress address ({@link IngressAddress}: the listen address) by {@link Relay}s that
 * forward to the Service's cluster IP, where the rules above pick a pod; a LoadBalancer whose
 * listeners are all open shows that address in {@code status.loadBalancer.ingress}, as k3s'
 * ServiceLB does. Relays rather than a DNAT of the host address: the default listen address is
 * loopback, and DNAT of traffic for 127.0.0.1 only works with {@code route_localnet=1}, which
 * makes the host accept packets for 127.0.0.0/8 from its neighbours (CVE-2020-8558: localhost-only
 * services reachable from the network). A port another program holds gets a Warning
 * {@code FailedToListen} on the Service and is tried again every {@value #RETRY_SECONDS} s.
 * Tells the node agent which pod addresses the rules in force send connections to, so that a
 * deleted pod is stopped only once they no longer do.
 */
public final class ServiceProxy implements AutoCloseable, ServiceRoutes {
  private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);
  private static final String KEY = "rules";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final int RETRY_SECONDS = 30;

  private final Informer services;
  private final Informer endpoints;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  /** A jump from a built-in chain to ours. */
  private record Hook(String table, String chain, List<String> rule) {}

  private static final List<Hook> HOOKS = List.of(
      new Hook("nat", "PREROUTING", List.of("-j", ProxyRules.SERVICES)), new Hook("nat", "OUTPUT", List.of("-j", ProxyRules.SERVICES)),
      new Hook("nat", "POSTROUTING", List.of("-j", ProxyRules.POSTROUTING)),
      new Hook("filter", "OUTPUT", List.of("-m", "conntrack", "--ctstate", "NEW", "-j", ProxyRules.REJECT)),
      new Hook("filter", "FORWARD", List.of("-m", "conntrack", "--ctstate", "NEW", "-j", ProxyRules.REJECT)));

  private final String podCidr;
  private final Client client;
  private final String ingressAddress;
  private final EventRecorder events;
  private final ExternalPortRelays relays = ExternalPortRelays.relaying();
  /** The endpoint addresses of the rules last written (none before the first write). */
  private volatile Set<String> routed = Set.of();

  /** @param listen where Ordinal listens ({@code ordinal up --listen}); node ports are served there only */
  public ServiceProxy(Client client, String podCidr, String listen) {
    this.podCidr = podCidr;
    this.client = client;
    this.ingressAddress = IngressAddress.of(listen);
    this.events = new EventRecorder(client, "service-proxy");
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

  /** Relays first: they do not wait for the rules (a failing iptables is retried, the listeners stay as planned). */
  private Optional<Duration> sync() throws IOException {
    Optional<Duration> retry = syncExternalPorts();
    try {
      syncRules();
    } catch (IOException e) {
      log.warn("writing the service rules (retried): {}", e.getMessage());
      throw e;
    }
    return retry;
  }

  private void syncRules() throws IOException {
    String rules = ProxyRules.render(services.all(), (ns, name) -> endpoints.get(ns, name), podCidr);
    run(List.of("iptables-restore", "--noflush"), rules);
    routed = ProxyRules.destinations(rules);
    for (Hook hook : HOOKS) {
      if (!ok(concat(List.of("iptables", "-t", hook.table(), "-C", hook.chain()), hook.rule()))) {
        run(concat(List.of("iptables", "-t", hook.table(), "-I", hook.chain(), "1"), hook.rule()), null);
      }
    }
  }

  /** Opens and closes relays as planned, and shows which LoadBalancers are served. */
  private Optional<Duration> syncExternalPorts() {
    ExternalPorts.Plan plan = ExternalPorts.plan(services.all(), ingressAddress);
    ExternalPortRelays.Outcome outcome = relays.sync(plan.listeners());
    for (Map.Entry<Listener, String> f : outcome.failed().entrySet()) {
      Listener l = f.getKey();
      log.warn("cannot listen on {} for Service {}: {}", l.endpoint(), l.service(), f.getValue());
      service(l.service()).ifPresent(svc -> events.warning(svc, "FailedToListen",
          "Failed to listen on " + l.address() + ":" + l.port() + "/" + l.protocol() + ": " + f.getValue()
              + "; retrying every " + RETRY_SECONDS + "s"));
    }
    Set<String> served = plan.served(outcome.open());
    for (ObjectNode svc : services.all()) {
      writeIngress(svc, served.contains(Meta.namespace(svc) + "/" + Meta.name(svc)));
    }
    return outcome.failed().isEmpty() ? Optional.empty() : Optional.of(Duration.ofSeconds(RETRY_SECONDS));
  }

  private Optional<ObjectNode> service(String key) {
    int slash = key.indexOf('/');
    return services.get(key.substring(0, slash), key.substring(slash + 1));
  }

  /** {@code status.loadBalancer.ingress}: this node's address while served, nothing otherwise. */
  private void writeIngress(ObjectNode svc, boolean served) {
    JsonNode current = svc.path("status").path("loadBalancer");
    ObjectNode wanted = Json.object();
    if (served) {
      ArrayNode ingress = wanted.putArray("ingress");
      ingress.addObject().put("ip", ingressAddress).put("ipMode", "VIP");
    }
    if (current.equals(wanted) || (current.isMissingNode() && !served)) {
      return;
    }
    ObjectNode status = svc.path("status").isObject() ? ((ObjectNode) svc.path("status")).deepCopy() : Json.object();
    status.set("loadBalancer", wanted);
    try {
      StatusWrites.replace(client, Types.SERVICES, svc, status);
    } catch (RuntimeException e) {
      // the next change to the Service or its Endpoints tries again
      log.warn("writing the load balancer status of {}/{}: {}", Meta.namespace(svc), Meta.name(svc), e.getMessage());
    }
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
    relays.close();
    removeRules();
  }

  /** Removes the hooks and every ORDINAL chain, in the nat and filter tables (also {@code ordinal down}'s). */
  public static void removeRules() {
    try {
      for (Hook hook : HOOKS) {
        ok(concat(List.of("iptables", "-t", hook.table(), "-D", hook.chain()), hook.rule()));
      }
      for (String table : List.of("nat", "filter")) {
        String current = output(List.of("iptables-save", "-t", table));
        for (String line : current.lines().toList()) {
          if (line.startsWith(":ORDINAL-") || line.startsWith(":ORD-")) {
            ok(List.of("iptables", "-t", table, "-F", line.substring(1, line.indexOf(' '))));
          }
        }
        for (String line : current.lines().toList()) {
          if (line.startsWith(":ORDINAL-") || line.startsWith(":ORD-")) {
            ok(List.of("iptables", "-t", table, "-X", line.substring(1, line.indexOf(' '))));
          }
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
