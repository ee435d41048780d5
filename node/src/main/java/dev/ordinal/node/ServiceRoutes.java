package dev.ordinal.node;

/**
 * What the node's Service rules (kube-proxy's part) send traffic to, as far as stopping a pod
 * needs to know. Upstream, kubelet signals a deleted pod's containers while kube-proxy is still
 * taking it out of the rules, so new connections reach a server that is shutting down or a network
 * namespace that is gone, and users add a {@code preStop} sleep to every Deployment; here both run
 * in one process, so the agent can wait for the rules first.
 */
public interface ServiceRoutes {
  /** No Service rules on this node (the simulated runtime): nothing ever routes to a pod. */
  ServiceRoutes NONE = podIp -> false;

  /**
   * Whether the rules in force still send new Service connections to this pod address. Must be
   * cheap and must not block: the agent asks it repeatedly from its pod workers. Thread-safe.
   */
  boolean routesTo(String podIp);
}
