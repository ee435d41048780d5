package dev.ordinal.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.nodes.NodeStats;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** NodeMetrics and PodMetrics as metrics-server writes them. Pure. */
public final class ResourceMetrics {
  public static final String API_VERSION = "metrics.k8s.io/v1beta1";

  private ResourceMetrics() {}

  /** CPU in nanocores as metrics-server's quantity ({@code 1234567n}; whole cores without a suffix). */
  public static String cpu(long nanoCores) {
    if (nanoCores % 1_000_000_000L == 0) {
      return Long.toString(nanoCores / 1_000_000_000L);
    }
    return nanoCores + "n";
  }

  /** Memory in bytes as a binary-SI quantity, the way Go canonicalizes it ({@code 2048Ki}, {@code 12Mi}, or bytes). */
  public static String memory(long bytes) {
    String[] suffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int i = 0;
    long v = bytes;
    while (v != 0 && v % 1024 == 0 && i < suffixes.length - 1) {
      v /= 1024;
      i++;
    }
    return v + suffixes[i];
  }

  /** A window as Go prints a duration ({@code 5s}, {@code 5.012s}, {@code 1m0s}). */
  public static String window(Duration d) {
    long millis = d.toMillis();
    long minutes = millis / 60_000;
    long restMillis = millis % 60_000;
    String seconds = restMillis % 1000 == 0 ? Long.toString(restMillis / 1000)
        : java.math.BigDecimal.valueOf(restMillis, 3).stripTrailingZeros().toPlainString();
    return minutes > 0 ? minutes + "m" + seconds + "s" : seconds + "s";
  }

  public static ObjectNode nodeMetrics(JsonNode node, NodeStats.Usage usage, Instant now) {
    ObjectNode m = Json.object();
    m.put("kind", "NodeMetrics").put("apiVersion", API_VERSION);
    m.set("metadata", metadata(node, now));
    m.put("timestamp", usage.timestamp().truncatedTo(ChronoUnit.SECONDS).toString()).put("window", window(usage.window()));
    m.set("usage", usage(usage));
    return m;
  }

  public static ObjectNode podMetrics(JsonNode pod, List<NodeStats.ContainerUsage> containers, Instant now) {
    ObjectNode m = Json.object();
    m.put("kind", "PodMetrics").put("apiVersion", API_VERSION);
    m.set("metadata", metadata(pod, now));
    Instant at = containers.stream().map(c -> c.usage().timestamp()).max(Instant::compareTo).orElse(now);
    Duration window = containers.stream().map(c -> c.usage().window()).max(Duration::compareTo).orElse(Duration.ZERO);
    m.put("timestamp", at.truncatedTo(ChronoUnit.SECONDS).toString()).put("window", window(window));
    ArrayNode cs = m.putArray("containers");
    for (NodeStats.ContainerUsage c : containers) {
      cs.addObject().put("name", c.name()).set("usage", usage(c.usage()));
    }
    return m;
  }

  /** The pod's containers that have usage, in the pod's order (containers, then ephemeral ones); init containers are left out, as upstream. */
  public static List<NodeStats.ContainerUsage> ofPod(JsonNode pod, List<NodeStats.ContainerUsage> measured) {
    java.util.Map<String, NodeStats.ContainerUsage> byName = new java.util.HashMap<>();
    measured.forEach(c -> byName.put(c.name(), c));
    java.util.List<NodeStats.ContainerUsage> out = new java.util.ArrayList<>();
    for (String list : List.of("containers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(list)) {
        NodeStats.ContainerUsage u = byName.get(c.path("name").asText());
        if (u != null) {
          out.add(u);
        }
      }
    }
    return out;
  }

  private static ObjectNode usage(NodeStats.Usage u) {
    return Json.object().put("cpu", cpu(u.nanoCores())).put("memory", memory(u.workingSetBytes()));
  }

  private static ObjectNode metadata(JsonNode object, Instant now) {
    ObjectNode meta = Json.object();
    meta.put("name", object.path("metadata").path("name").asText());
    if (object.path("metadata").has("namespace")) {
      meta.put("namespace", object.path("metadata").path("namespace").asText());
    }
    meta.put("creationTimestamp", now.truncatedTo(ChronoUnit.SECONDS).toString());
    if (object.path("metadata").path("labels").isObject()) {
      meta.set("labels", object.path("metadata").path("labels").deepCopy());
    }
    return meta;
  }
}
