package dev.ordinal.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What a Service's Endpoints and EndpointSlice say, from the Service and the pods it selects, as
 * Kubernetes' endpoints controllers decide: every pod with an IP that is not terminating, ready
 * ones as addresses and the others as not-ready (all ready with {@code publishNotReadyAddresses}),
 * with {@code hostname} for pods whose {@code subdomain} is the Service's name, a {@code targetRef},
 * and the ports resolved (named {@code targetPort}s by the pod's container ports). Pure.
 */
public final class EndpointsPlanner {
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
  static final String MANAGER = "endpointslice-controller.k8s.io";

  private EndpointsPlanner() {}

  /** The pods a Service selects (none without a selector: its Endpoints are the user's). */
  static List<ObjectNode> selected(ObjectNode service, Iterable<ObjectNode> podsInNamespace) {
    JsonNode sel = service.path("spec").path("selector");
    List<ObjectNode> out = new ArrayList<>();
    if (!sel.isObject() || sel.isEmpty()) {
      return out;
    }
    @SuppressWarnings("unchecked")
    Map<String, String> match = Json.MAPPER.convertValue(sel, Map.class);
    LabelSelector selector = LabelSelector.fromSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
        .withMatchLabels(match).build());
    for (ObjectNode p : podsInNamespace) {
      if (selector.matches(Meta.labels(p))) {
        out.add(p);
      }
    }
    out.sort(Comparator.comparing(Meta::name));
    return out;
  }

  static boolean counts(ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return !pod.path("status").path("podIP").asText("").isEmpty() && !Meta.isDeleting(pod)
        && !phase.equals("Succeeded") && !phase.equals("Failed");
  }

  static boolean ready(ObjectNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** The core/v1 Endpoints object for the Service (metadata name and namespace, subsets). */
  public static ObjectNode endpoints(ObjectNode service, List<ObjectNode> pods) {
    ObjectNode ep = Json.object();
    ep.put("apiVersion", "v1").put("kind", "Endpoints");
    ObjectNode meta = ep.putObject("metadata");
    meta.put("name", Meta.name(service)).put("namespace", Meta.namespace(service));
    Map<String, String> labels = Meta.labels(service);
    ObjectNode l = meta.putObject("labels");
    labels.forEach(l::put);
    if (isHeadless(service)) {
      l.put("service.kubernetes.io/headless", "");
    }
    boolean publishAll = service.path("spec").path("publishNotReadyAddresses").asBoolean(false);
    ArrayNode ready = Json.MAPPER.createArrayNode();
    ArrayNode notReady = Json.MAPPER.createArrayNode();
    for (ObjectNode pod : pods) {
      if (!counts(pod)) {
        continue;
      }
      ObjectNode address = (publishAll || ready(pod) ? ready : notReady).addObject();
      address.put("ip", pod.path("status").path("podIP").asText());
      identify(address, service, pod);
    }
    ArrayNode subsets = ep.putArray("subsets");
    if (!ready.isEmpty() || !notReady.isEmpty()) {
      ObjectNode subset = subsets.addObject();
      if (!ready.isEmpty()) {
        subset.set("addresses", ready);
      }
      if (!notReady.isEmpty()) {
        subset.set("notReadyAddresses", notReady);
      }
      ArrayNode ports = subset.putArray("ports");
      for (JsonNode sp : service.path("spec").path("ports")) {
        ObjectNode port = ports.addObject();
        if (sp.has("name")) {
          port.put("name", sp.path("name").asText());
        }
        port.put("port", targetPort(sp, pods));
        port.put("protocol", sp.path("protocol").asText("TCP"));
      }
    }
    if (subsets.isEmpty()) {
      ep.remove("subsets");
    }
    return ep;
  }

  /** The discovery.k8s.io/v1 EndpointSlice (one per Service here: a single machine never needs more). */
  public static ObjectNode slice(ObjectNode service, List<ObjectNode> pods) {
    ObjectNode s = Json.object();
    s.put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice").put("addressType", "IPv4");
    ObjectNode meta = s.putObject("metadata");
    meta.put("name", Meta.name(service)).put("namespace", Meta.namespace(service));
    ObjectNode labels = meta.putObject("labels");
    labels.put(SERVICE_NAME_LABEL, Meta.name(service)).put(MANAGED_BY_LABEL, MANAGER);
    ObjectNode owner = meta.putArray("ownerReferences").addObject();
    owner.put("apiVersion", "v1").put("kind", "Service").put("name", Meta.name(service)).put("uid", Meta.uid(service))
        .put("controller", true).put("blockOwnerDeletion", true);
    boolean publishAll = service.path("spec").path("publishNotReadyAddresses").asBoolean(false);
    ArrayNode endpoints = s.putArray("endpoints");
    for (ObjectNode pod : pods) {
      if (!counts(pod)) {
        continue;
      }
      ObjectNode e = endpoints.addObject();
      e.putArray("addresses").add(pod.path("status").path("podIP").asText());
      boolean isReady = ready(pod);
      e.putObject("conditions").put("ready", publishAll || isReady).put("serving", isReady).put("terminating", false);
      identify(e, service, pod);
    }
    ArrayNode ports = s.putArray("ports");
    for (JsonNode sp : service.path("spec").path("ports")) {
      ObjectNode port = ports.addObject();
      if (sp.has("name")) {
        port.put("name", sp.path("name").asText());
      }
      port.put("port", targetPort(sp, pods)).put("protocol", sp.path("protocol").asText("TCP"));
    }
    return s;
  }

  static boolean isHeadless(ObjectNode service) {
    return service.path("spec").path("clusterIP").asText("").equals("None");
  }

  /** A pod's hostname is published when its subdomain is this Service (StatefulSet pods and their governing Service). */
  static String hostnameFor(ObjectNode service, ObjectNode pod) {
    String sub = pod.path("spec").path("subdomain").asText("");
    String host = pod.path("spec").path("hostname").asText("");
    return !host.isEmpty() && sub.equals(Meta.name(service)) ? host : "";
  }

  /** hostname (when published), nodeName and targetRef: the same on an Endpoints address and a slice endpoint. */
  private static void identify(ObjectNode entry, ObjectNode service, ObjectNode pod) {
    String hostname = hostnameFor(service, pod);
    if (!hostname.isEmpty()) {
      entry.put("hostname", hostname);
    }
    if (!pod.path("spec").path("nodeName").asText("").isEmpty()) {
      entry.put("nodeName", pod.path("spec").path("nodeName").asText());
    }
    entry.set("targetRef", targetRef(pod));
  }

  private static ObjectNode targetRef(ObjectNode pod) {
    ObjectNode ref = Json.object();
    ref.put("kind", "Pod").put("namespace", Meta.namespace(pod)).put("name", Meta.name(pod)).put("uid", Meta.uid(pod));
    return ref;
  }

  /** The port a Service port reaches on its pods: a number, or a named container port (the first pod that names it). */
  static int targetPort(JsonNode servicePort, List<ObjectNode> pods) {
    JsonNode tp = servicePort.path("targetPort");
    if (tp.isMissingNode() || tp.isNull()) {
      return servicePort.path("port").asInt();
    }
    if (tp.isNumber() || tp.asText().matches("\\d+")) {
      return tp.asInt();
    }
    for (ObjectNode pod : pods) {
      for (JsonNode c : pod.path("spec").path("containers")) {
        for (JsonNode p : c.path("ports")) {
          if (p.path("name").asText().equals(tp.asText())) {
            return p.path("containerPort").asInt();
          }
        }
      }
    }
    return servicePort.path("port").asInt();
  }
}
