package dev.ordinal.apiserver.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link NodeStats.Summary} as JSON, for the agent wire: {"node":usage,"pods":{uid:[{"name":…,"usage":…}]}}. */
public final class StatsJson {
  private StatsJson() {}

  public static ObjectNode toJson(NodeStats.Summary s) {
    ObjectNode o = Json.object();
    if (s.node() != null) {
      o.set("node", usage(s.node()));
    }
    ObjectNode pods = o.putObject("pods");
    s.pods().forEach((uid, containers) -> {
      ArrayNode a = pods.putArray(uid);
      for (NodeStats.ContainerUsage c : containers) {
        a.addObject().put("name", c.name()).set("usage", usage(c.usage()));
      }
    });
    return o;
  }

  public static NodeStats.Summary fromJson(JsonNode o) {
    Map<String, List<NodeStats.ContainerUsage>> pods = new LinkedHashMap<>();
    o.path("pods").fields().forEachRemaining(e -> {
      List<NodeStats.ContainerUsage> cs = new ArrayList<>();
      for (JsonNode c : e.getValue()) {
        cs.add(new NodeStats.ContainerUsage(c.path("name").asText(), usage(c.path("usage"))));
      }
      pods.put(e.getKey(), cs);
    });
    return new NodeStats.Summary(o.has("node") ? usage(o.path("node")) : null, pods);
  }

  private static ObjectNode usage(NodeStats.Usage u) {
    return Json.object().put("timestamp", u.timestamp().toString()).put("windowMillis", u.window().toMillis())
        .put("nanoCores", u.nanoCores()).put("workingSetBytes", u.workingSetBytes());
  }

  private static NodeStats.Usage usage(JsonNode u) {
    return new NodeStats.Usage(Instant.parse(u.path("timestamp").asText()), Duration.ofMillis(u.path("windowMillis").asLong()),
        u.path("nanoCores").asLong(), u.path("workingSetBytes").asLong());
  }
}
