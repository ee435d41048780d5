package dev.ordinal.controllers.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about objects, as Kubernetes components do, so that {@code kubectl
 * describe} and {@code kubectl get events} show what the control plane did. Repeats of the same
 * event (same object, type, reason and message) update one Event's count and lastTimestamp
 * instead of creating new ones. Recording never fails the caller: a failed write is logged.
 */
public final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final Client client;
  private final String component;
  private final Map<String, String> seen = new ConcurrentHashMap<>();

  public EventRecorder(Client client, String component) {
    this.client = client;
    this.component = component;
  }

  public void normal(ObjectNode about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(ObjectNode about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  private void record(ObjectNode about, String type, String reason, String message) {
    String namespace = Meta.namespace(about).isEmpty() ? "default" : Meta.namespace(about);
    String key = Meta.uid(about) + "|" + type + "|" + reason + "|" + message;
    String now = Meta.now();
    try {
      String existing = seen.get(key);
      if (existing != null && bumpCount(namespace, existing, now)) {
        return;
      }
      ObjectNode ev = Json.object();
      ev.put("apiVersion", "v1").put("kind", "Event");
      String name = Meta.name(about) + "." + Long.toHexString(Instant.now().toEpochMilli() * 1000 + (key.hashCode() & 0x3ff));
      ev.putObject("metadata").put("name", name).put("namespace", namespace);
      ObjectNode involved = ev.putObject("involvedObject");
      involved.put("apiVersion", about.path("apiVersion").asText()).put("kind", about.path("kind").asText())
          .put("name", Meta.name(about)).put("uid", Meta.uid(about)).put("resourceVersion", Meta.resourceVersion(about));
      if (!Meta.namespace(about).isEmpty()) {
        involved.put("namespace", Meta.namespace(about));
      }
      ev.put("type", type).put("reason", reason).put("message", message);
      ev.putObject("source").put("component", component);
      ev.put("reportingComponent", component).put("reportingInstance", component);
      ev.put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1);
      client.create(Types.EVENTS, namespace, ev);
      seen.put(key, name);
    } catch (ApiException e) {
      log.warn("could not record event {} on {} {}: {}", reason, about.path("kind").asText().toLowerCase(Locale.ROOT),
          Meta.name(about), e.getMessage());
    }
  }

  private boolean bumpCount(String namespace, String name, String now) {
    try {
      ObjectNode ev = client.get(Types.EVENTS, namespace, name);
      ev.put("count", ev.path("count").asLong(1) + 1).put("lastTimestamp", now);
      client.update(Types.EVENTS, ev);
      return true;
    } catch (ApiException e) {
      return false;
    }
  }
}
