package dev.ordinal.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.nodes.NodeServices;
import dev.ordinal.apiserver.nodes.NodeStats;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.apiserver.registry.ResourceStore;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /apis/metrics.k8s.io/v1beta1/nodes[/NAME]} and {@code …/[namespaces/NS/]pods[/NAME]}:
 * get and list, with label and field selectors applied to the nodes and pods themselves, as
 * metrics-server does. Each node's usage comes from its agent (in-process, or remote over the
 * agent wire); a node that cannot be reached, and pods that are not running, have no metrics and
 * are left out of lists (a get of one is 404), as on metrics-server. Authorization is the API's
 * own: {@code get}/{@code list} of {@code nodes}/{@code pods} in metrics.k8s.io.
 */
public final class MetricsEndpoints {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoints.class);
  private final Registry registry;
  private final NodeServices nodes;

  public MetricsEndpoints(Registry registry, NodeServices nodes) {
    this.registry = registry;
    this.nodes = nodes;
  }

  /**
   * Answers a request; the caller has checked that the group is metrics.k8s.io.
   *
   * @param namespace null for cluster-scoped or all-namespace requests
   * @param name null for lists
   */
  public ObjectNode serve(String method, String version, String plural, String namespace, String name, String subresource,
      ListOptions options) {
    if (!version.equals("v1beta1") || subresource != null) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    return switch (plural) {
      case "nodes" -> {
        if (namespace != null) {
          throw ApiException.notFound("the server could not find the requested resource");
        }
        yield name == null ? nodeList(options) : node(name);
      }
      case "pods" -> name == null ? podList(namespace, options) : pod(namespace, name);
      default -> throw ApiException.notFound("the server could not find the requested resource");
    };
  }

  /**
   * A node agent's Prometheus metrics ({@code nodes/NAME/proxy/metrics}).
   *
   * @throws ApiException 404 for an unknown node, 503 when its agent cannot be reached
   */
  public String nodeMetricsText(String nodeName) {
    if (find("nodes", null, nodeName) == null) {
      throw ApiException.notFound(registry.catalog().byPlural("", "v1", "nodes").orElseThrow(), nodeName);
    }
    NodeStats stats = nodes.statsFor(nodeName).orElseThrow(() ->
        new ApiException(503, "ServiceUnavailable", "no agent of node " + nodeName + " serves metrics", null));
    try {
      return stats.prometheus();
    } catch (IOException e) {
      throw new ApiException(503, "ServiceUnavailable", "the agent of node " + nodeName + " could not be reached: " + e.getMessage(), null);
    }
  }

  private ResourceStore store(String plural) {
    return registry.store("", "v1", plural).orElseThrow();
  }

  private ObjectNode find(String plural, String namespace, String name) {
    try {
      return store(plural).get(namespace, name);
    } catch (ApiException e) {
      if (e.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  private ObjectNode node(String name) {
    Instant now = Instant.now();
    JsonNode node = find("nodes", null, name);
    Optional<NodeStats.Summary> s = node == null ? Optional.empty() : summary(name);
    if (s.isEmpty() || s.get().node() == null) {
      throw ApiException.notFound("nodemetrics.metrics.k8s.io \"" + name + "\" not found");
    }
    return ResourceMetrics.nodeMetrics(node, s.get().node(), now);
  }

  private ObjectNode nodeList(ListOptions options) {
    Instant now = Instant.now();
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (ObjectNode node : store("nodes").list(null, selectorsOnly(options)).items()) {
      summary(node.path("metadata").path("name").asText()).filter(s -> s.node() != null)
          .ifPresent(s -> items.add(ResourceMetrics.nodeMetrics(node, s.node(), now)));
    }
    return list("NodeMetricsList", items);
  }

  private ObjectNode pod(String namespace, String name) {
    Instant now = Instant.now();
    ObjectNode pod = find("pods", namespace, name);
    if (pod != null) {
      List<NodeStats.ContainerUsage> cs = containers(pod, new HashMap<>());
      if (!cs.isEmpty()) {
        return ResourceMetrics.podMetrics(pod, cs, now);
      }
    }
    throw ApiException.notFound("podmetrics.metrics.k8s.io \"" + namespace + "/" + name + "\" not found");
  }

  private ObjectNode podList(String namespace, ListOptions options) {
    Instant now = Instant.now();
    Map<String, Optional<NodeStats.Summary>> byNode = new HashMap<>();
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (ObjectNode pod : store("pods").list(namespace, selectorsOnly(options)).items()) {
      List<NodeStats.ContainerUsage> cs = containers(pod, byNode);
      if (!cs.isEmpty()) {
        items.add(ResourceMetrics.podMetrics(pod, cs, now));
      }
    }
    return list("PodMetricsList", items);
  }

  /** The pod's measured containers, empty unless it runs on a node that reports them. */
  private List<NodeStats.ContainerUsage> containers(JsonNode pod, Map<String, Optional<NodeStats.Summary>> byNode) {
    String node = pod.path("spec").path("nodeName").asText("");
    if (node.isEmpty() || !pod.path("status").path("phase").asText().equals("Running")) {
      return List.of();
    }
    Optional<NodeStats.Summary> s = byNode.computeIfAbsent(node, this::summary);
    List<NodeStats.ContainerUsage> measured = s.map(x -> x.pods().get(pod.path("metadata").path("uid").asText())).orElse(null);
    return measured == null ? List.of() : ResourceMetrics.ofPod(pod, measured);
  }

  private Optional<NodeStats.Summary> summary(String nodeName) {
    Optional<NodeStats> stats = nodes.statsFor(nodeName);
    if (stats.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(stats.get().summary());
    } catch (IOException | RuntimeException e) {
      log.warn("no usage from node {}: {}", nodeName, e.getMessage());
      return Optional.empty();
    }
  }

  private static ListOptions selectorsOnly(ListOptions o) {
    return new ListOptions(o.labelSelector(), o.fieldSelector(), "", 0, "", false, 0);
  }

  private static ObjectNode list(String kind, ArrayNode items) {
    ObjectNode l = Json.object();
    l.put("kind", kind).put("apiVersion", ResourceMetrics.API_VERSION);
    l.putObject("metadata");
    l.set("items", items);
    return l;
  }
}
