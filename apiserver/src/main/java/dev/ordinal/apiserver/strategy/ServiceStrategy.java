package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Services: defaults, port rules, and the address fields' rules on create and update
 * ({@link ServiceClusterIps}), and of the fields for traffic from outside ({@link ServiceExternalFields}).
 * The addresses and node ports themselves are allocated and released by the registry
 * once the strategy has prepared the object.
 */
final class ServiceStrategy implements ResourceStrategy {
  private static final List<String> TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
  private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");

  @Override
  public void prepareForCreate(ObjectNode svc) {
    svc.remove("status");
    svc.putObject("status").putObject("loadBalancer");
    ServiceClusterIps.normalizeForCreate(Defaults.object(svc, "spec"));
  }

  @Override
  public void prepareForUpdate(ObjectNode svc, ObjectNode old) {
    ServiceClusterIps.prepareForUpdate(Defaults.object(svc, "spec"), old.path("spec"));
    ServiceExternalFields.prepareForUpdate(Defaults.object(svc, "spec"), old.path("spec"));
    ServiceExternalFields.dropLoadBalancerStatus(svc);
  }

  @Override
  public void applyDefaults(ObjectNode svc) {
    ObjectNode spec = Defaults.object(svc, "spec");
    Defaults.put(spec, "type", "ClusterIP");
    Defaults.put(spec, "sessionAffinity", "None");
    if (spec.path("type").asText().equals("ExternalName")) {
      // upstream stores it from before a type change but never shows it on an ExternalName Service
      spec.remove("internalTrafficPolicy");
    } else {
      Defaults.put(spec, "internalTrafficPolicy", "Cluster");
      Defaults.put(spec, "ipFamilyPolicy", "SingleStack");
      if (!spec.has("ipFamilies")) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      if (spec.path("clusterIP").asText("").equals("None") && !spec.has("clusterIPs")) {
        spec.putArray("clusterIPs").add("None");
      }
    }
    ServiceExternalFields.applyDefaults(spec);
    for (ObjectNode p : Defaults.elements(spec, "ports")) {
      Defaults.put(p, "protocol", "TCP");
      if (!p.hasNonNull("targetPort") && p.has("port")) {
        p.set("targetPort", p.get("port"));
      }
    }
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode svc) {
    Errors errs = new Errors();
    JsonNode spec = svc.path("spec");
    String type = spec.path("type").asText("");
    if (!TYPES.contains(type)) {
      errs.notSupported("spec.type", type, TYPES);
    }
    JsonNode ports = spec.path("ports");
    boolean headless = spec.path("clusterIP").asText("").equals("None");
    if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
      errs.required("spec.ports", "");
    }
    Set<String> names = new HashSet<>();
    int i = 0;
    for (ObjectNode p : Defaults.elements(spec, "ports")) {
      String path = "spec.ports[" + i++ + "]";
      String name = p.path("name").asText("");
      if (ports.size() > 1 && name.isEmpty()) {
        errs.required(path + ".name", "");
      }
      if (!name.isEmpty()) {
        errs.invalidAll(path + ".name", name, NameRules.dns1123Label(name));
        if (!names.add(name)) {
          errs.duplicate(path + ".name", name);
        }
      }
      long port = p.path("port").asLong(0);
      if (port < 1 || port > 65535) {
        errs.invalid(path + ".port", port, "must be between 1 and 65535, inclusive");
      }
      String proto = p.path("protocol").asText("");
      if (!PROTOCOLS.contains(proto)) {
        errs.notSupported(path + ".protocol", proto, PROTOCOLS);
      }
    }
    ServiceClusterIps.validate(spec, errs);
    ServiceExternalFields.validate(spec, errs);
    String affinity = spec.path("sessionAffinity").asText("None");
    if (!List.of("None", "ClientIP").contains(affinity)) {
      errs.notSupported("spec.sessionAffinity", affinity, List.of("ClientIP", "None"));
    }
    return errs.list();
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode svc, ObjectNode old) {
    // upstream reports the immutable address first, then the rules of the new object
    List<FieldError> errs = new java.util.ArrayList<>(ServiceClusterIps.validateUpdate(svc.path("spec"), old.path("spec")));
    errs.addAll(validateCreate(svc));
    return errs;
  }
}
