package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields that carry a Service's traffic from outside: node ports, {@code healthCheckNodePort},
 * {@code externalTrafficPolicy} and {@code allocateLoadBalancerNodePorts}, as upstream defaults,
 * prepares and validates them (pkg/apis/core/v1/defaults.go SetDefaults_Service;
 * pkg/registry/core/service/strategy.go patchAllocatedValues, dropTypeDependentFields;
 * pkg/apis/core/validation ValidateService, validateServiceExternalTrafficPolicy). Pure: works on
 * the specs' JSON in place; allocating the ports themselves is the registry's
 * ({@code ServiceNodePorts}), and so is the range message for a port it is asked for.
 */
public final class ServiceExternalFields {
  public static final int FIRST_NODE_PORT = 30000;
  public static final int LAST_NODE_PORT = 32767;
  public static final String RANGE = FIRST_NODE_PORT + "-" + LAST_NODE_PORT;
  static final String NOT_IN_RANGE = "provided port is not in the valid range. The range of valid ports is " + RANGE;
  private static final List<String> POLICIES = List.of("Cluster", "Local");
  private static final int KUBELET_PORT = 10250;

  private ServiceExternalFields() {}

  /** The types that have node ports (upstream's registry: needsNodePort), whether allocated or asked for. */
  static boolean hasNodePorts(JsonNode spec) {
    String type = type(spec);
    return type.equals("NodePort") || type.equals("LoadBalancer");
  }

  /** NodePort Services, and LoadBalancers unless {@code allocateLoadBalancerNodePorts} is false: those given node ports not asked for. */
  public static boolean needsNodePorts(JsonNode spec) {
    String type = type(spec);
    return type.equals("NodePort") || (type.equals("LoadBalancer") && spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
  }

  /** A LoadBalancer that keeps the client's address ({@code Local}) has a port the load balancer probes. */
  public static boolean needsHealthCheckNodePort(JsonNode spec) {
    return type(spec).equals("LoadBalancer") && spec.path("externalTrafficPolicy").asText("").equals("Local");
  }

  /** Upstream's ExternallyAccessible: the types reached from outside, and ClusterIPs with external IPs. */
  static boolean externallyAccessible(JsonNode spec) {
    String type = type(spec);
    return type.equals("NodePort") || type.equals("LoadBalancer")
        || (type.equals("ClusterIP") && !spec.path("externalIPs").isEmpty());
  }

  /** Defaults of one spec, after the type has its own default. */
  static void applyDefaults(ObjectNode spec) {
    if (externallyAccessible(spec) && spec.path("externalTrafficPolicy").asText("").isEmpty()) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    if (type(spec).equals("LoadBalancer") && !spec.hasNonNull("allocateLoadBalancerNodePorts")) {
      spec.put("allocateLoadBalancerNodePorts", true);
    }
  }

  /**
   * Prepares an update: node ports the client left out are kept when a port of the same name had
   * one and no other port now claims it (a manifest re-applied or replaced must not lose them, nor
   * get new ones); a Service that no longer needs node ports, a health-check port, a traffic
   * policy or {@code allocateLoadBalancerNodePorts} loses them unless the client set new values
   * (then validation decides).
   */
  static void prepareForUpdate(ObjectNode spec, JsonNode oldSpec) {
    patchAllocatedValues(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec);
  }

  private static void patchAllocatedValues(ObjectNode spec, JsonNode oldSpec) {
    if (hasNodePorts(oldSpec) && hasNodePorts(spec)) {
      Set<Integer> used = nodePorts(oldSpec);
      used.retainAll(nodePorts(spec));
      Map<String, Integer> byName = new HashMap<>();
      oldSpec.path("ports").forEach(p -> byName.put(p.path("name").asText(""), p.path("nodePort").asInt(0)));
      for (ObjectNode p : Defaults.elements(spec, "ports")) {
        int old = byName.getOrDefault(p.path("name").asText(""), 0);
        if (p.path("nodePort").asInt(0) == 0 && old != 0 && !used.contains(old)) {
          p.put("nodePort", old);
        }
      }
    }
    if (needsHealthCheckNodePort(oldSpec) && needsHealthCheckNodePort(spec) && spec.path("healthCheckNodePort").asInt(0) == 0
        && oldSpec.path("healthCheckNodePort").asInt(0) != 0) {
      spec.put("healthCheckNodePort", oldSpec.path("healthCheckNodePort").asInt());
    }
  }

  private static void dropTypeDependentFields(ObjectNode spec, JsonNode oldSpec) {
    // the client may add, drop or change ports, but no node port the old spec did not have
    if (hasNodePorts(oldSpec) && !hasNodePorts(spec) && nodePorts(oldSpec).containsAll(nodePorts(spec))) {
      for (ObjectNode p : Defaults.elements(spec, "ports")) {
        p.remove("nodePort");
      }
    }
    if (needsHealthCheckNodePort(oldSpec) && !needsHealthCheckNodePort(spec)
        && spec.path("healthCheckNodePort").asInt(0) == oldSpec.path("healthCheckNodePort").asInt(0)) {
      spec.remove("healthCheckNodePort");
    }
    if (type(oldSpec).equals("LoadBalancer") && !type(spec).equals("LoadBalancer")
        && spec.path("allocateLoadBalancerNodePorts").equals(oldSpec.path("allocateLoadBalancerNodePorts"))) {
      spec.remove("allocateLoadBalancerNodePorts");
    }
    if (externallyAccessible(oldSpec) && !externallyAccessible(spec)
        && spec.path("externalTrafficPolicy").asText("").equals(oldSpec.path("externalTrafficPolicy").asText(""))) {
      spec.remove("externalTrafficPolicy");
    }
  }

  /** A Service that is no longer a LoadBalancer has no load balancer to show (upstream clears it at once). */
  static void dropLoadBalancerStatus(ObjectNode svc) {
    if (!type(svc.path("spec")).equals("LoadBalancer") && !svc.path("status").path("loadBalancer").isEmpty()) {
      svc.with("status").putObject("loadBalancer");
    }
  }

  /** The rules of one spec, create and update alike, in upstream's order. */
  static void validate(JsonNode spec, Errors errs) {
    String type = type(spec);
    boolean headless = spec.path("clusterIP").asText("").equals(ServiceClusterIps.NONE);
    if (type.equals("LoadBalancer")) {
      int i = 0;
      for (JsonNode p : spec.path("ports")) {
        if (p.path("port").asInt() == KUBELET_PORT) {
          errs.invalid("spec.ports[" + i + "]", KUBELET_PORT,
              "may not expose port " + KUBELET_PORT + " externally since it is used by kubelet");
        }
        i++;
      }
      if (headless) {
        errs.invalid("spec.clusterIPs[0]", ServiceClusterIps.NONE, "may not be set to 'None' for LoadBalancer services");
      }
    } else if (type.equals("NodePort") && headless) {
      errs.invalid("spec.clusterIPs[0]", ServiceClusterIps.NONE, "may not be set to 'None' for NodePort services");
    }
    Set<String> seen = new HashSet<>();
    int i = 0;
    for (JsonNode p : spec.path("ports")) {
      String path = "spec.ports[" + i++ + "].nodePort";
      int nodePort = p.path("nodePort").asInt(0);
      if (nodePort == 0) {
        continue;
      }
      if (type.equals("ClusterIP")) {
        errs.forbidden(path, "may not be used when `type` is 'ClusterIP'");
      } else if (nodePort < FIRST_NODE_PORT || nodePort > LAST_NODE_PORT) {
        errs.invalid(path, nodePort, NOT_IN_RANGE);
      }
      // the same node port may serve one port number over TCP and UDP, not twice over one protocol
      if (!seen.add(p.path("protocol").asText("TCP") + "/" + nodePort)) {
        errs.duplicate(path, nodePort);
      }
    }
    if (type.equals("LoadBalancer")) {
      if (!spec.hasNonNull("allocateLoadBalancerNodePorts")) {
        errs.required("spec.allocateLoadBalancerNodePorts", "");
      }
    } else if (spec.hasNonNull("allocateLoadBalancerNodePorts")) {
      errs.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'");
    }
    validateTrafficPolicy(spec, errs);
  }

  private static void validateTrafficPolicy(JsonNode spec, Errors errs) {
    String policy = spec.path("externalTrafficPolicy").asText("");
    if (!externallyAccessible(spec)) {
      if (!policy.isEmpty()) {
        errs.invalid("spec.externalTrafficPolicy", policy, "may only be set for externally-accessible services");
      }
    } else if (policy.isEmpty()) {
      errs.required("spec.externalTrafficPolicy", "");
    } else if (!POLICIES.contains(policy)) {
      errs.notSupported("spec.externalTrafficPolicy", policy, POLICIES);
    }
    int health = spec.path("healthCheckNodePort").asInt(0);
    if (needsHealthCheckNodePort(spec)) {
      if (health <= 0) {
        errs.required("spec.healthCheckNodePort", "must be set when externalTrafficPolicy is 'Local'");
      } else if (health < FIRST_NODE_PORT || health > LAST_NODE_PORT) {
        errs.invalid("spec.healthCheckNodePort", health, NOT_IN_RANGE);
      }
    } else if (health != 0) {
      errs.invalid("spec.healthCheckNodePort", health,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
    }
  }

  /** The node ports a spec names (0 is none). */
  public static Set<Integer> nodePorts(JsonNode spec) {
    Set<Integer> out = new HashSet<>();
    spec.path("ports").forEach(p -> {
      if (p.path("nodePort").asInt(0) != 0) {
        out.add(p.path("nodePort").asInt());
      }
    });
    return out;
  }

  private static String type(JsonNode spec) {
    return spec.path("type").asText("ClusterIP");
  }
}
