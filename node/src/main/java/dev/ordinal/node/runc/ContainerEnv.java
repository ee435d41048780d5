package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as kubelet builds it: the image's, then the Services' (see
 * {@link ServiceEnv}), then {@code envFrom} sources in
 * order, then {@code env} entries in order (each may refer to the ones before it with
 * {@code $(VAR)}), with {@code valueFrom} field, ConfigMap and Secret references resolved.
 */
final class ContainerEnv {
  private static final Pattern KEYED_FIELD = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

  private ContainerEnv() {}

  static Map<String, String> of(ObjectNode pod, JsonNode container, ImageConfig image, PodResources resources, String podIp)
      throws ConfigError {
    Map<String, String> env = new LinkedHashMap<>(image.env());
    String ns = Meta.namespace(pod);
    // below everything the pod sets itself, and there for $(VAR) references
    List<ObjectNode> services = resources.services(ns);
    env.putAll(ServiceEnv.of(pod, services, ns.equals("default") ? services : resources.services("default")));
    for (JsonNode from : container.path("envFrom")) {
      String prefix = from.path("prefix").asText("");
      if (from.has("configMapRef")) {
        source(resources.configMap(ns, from.path("configMapRef").path("name").asText()), false, from.path("configMapRef"), "configmap")
            .forEach((k, v) -> env.put(prefix + k, v));
      } else if (from.has("secretRef")) {
        source(resources.secret(ns, from.path("secretRef").path("name").asText()), true, from.path("secretRef"), "secret")
            .forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (e.has("valueFrom")) {
        String value = valueFrom(pod, e.path("valueFrom"), resources, podIp);
        if (value != null) {
          env.put(name, value);
        }
      } else {
        env.put(name, ProcessArgs.expand(e.path("value").asText(""), env));
      }
    }
    return env;
  }

  private static Map<String, String> source(Optional<ObjectNode> obj, boolean secret, JsonNode ref, String kind) throws ConfigError {
    if (obj.isEmpty()) {
      if (ref.path("optional").asBoolean(false)) {
        return Map.of();
      }
      throw new ConfigError(kind + " \"" + ref.path("name").asText() + "\" not found");
    }
    Map<String, String> out = new LinkedHashMap<>();
    obj.get().path("data").fields().forEachRemaining(f -> out.put(f.getKey(), secret ? decode(f.getValue().asText()) : f.getValue().asText()));
    return out;
  }

  private static String valueFrom(ObjectNode pod, JsonNode from, PodResources resources, String podIp) throws ConfigError {
    String ns = Meta.namespace(pod);
    if (from.has("fieldRef")) {
      return field(pod, from.path("fieldRef").path("fieldPath").asText(), podIp);
    }
    if (from.has("configMapKeyRef")) {
      return key(resources.configMap(ns, from.path("configMapKeyRef").path("name").asText()), from.path("configMapKeyRef"), false, "configmap");
    }
    if (from.has("secretKeyRef")) {
      return key(resources.secret(ns, from.path("secretKeyRef").path("name").asText()), from.path("secretKeyRef"), true, "secret");
    }
    if (from.has("resourceFieldRef")) {
      return ResourceFields.value(pod, from.path("resourceFieldRef"));
    }
    return null;
  }

  private static String key(Optional<ObjectNode> obj, JsonNode ref, boolean secret, String kind) throws ConfigError {
    boolean optional = ref.path("optional").asBoolean(false);
    String name = ref.path("name").asText();
    String key = ref.path("key").asText();
    if (obj.isEmpty()) {
      if (optional) {
        return null;
      }
      throw new ConfigError(kind + " \"" + name + "\" not found");
    }
    JsonNode v = obj.get().path("data").path(key);
    if (v.isMissingNode()) {
      if (optional) {
        return null;
      }
      throw new ConfigError("couldn't find key " + key + " in " + kind.substring(0, 1).toUpperCase() + kind.substring(1) + " "
          + Meta.namespace(obj.get()) + "/" + name);
    }
    return secret ? decode(v.asText()) : v.asText();
  }

  /** The downward API's fields, as env values and as files. */
  static String field(ObjectNode pod, String path, String podIp) {
    Matcher keyed = KEYED_FIELD.matcher(path);
    if (keyed.matches()) {
      return pod.path("metadata").path(keyed.group(1)).path(keyed.group(2)).asText("");
    }
    return switch (path) {
      case "metadata.name" -> Meta.name(pod);
      case "metadata.namespace" -> Meta.namespace(pod);
      case "metadata.uid" -> Meta.uid(pod);
      case "metadata.labels" -> pairs(pod.path("metadata").path("labels"));
      case "metadata.annotations" -> pairs(pod.path("metadata").path("annotations"));
      case "spec.nodeName" -> pod.path("spec").path("nodeName").asText("");
      case "spec.serviceAccountName" -> pod.path("spec").path("serviceAccountName").asText("default");
      case "status.podIP", "status.podIPs" -> podIp;
      case "status.hostIP", "status.hostIPs" -> pod.path("status").path("hostIP").asText("");
      default -> "";
    };
  }

  private static String pairs(JsonNode map) {
    StringBuilder b = new StringBuilder();
    map.fields().forEachRemaining(f -> b.append(f.getKey()).append("=\"").append(f.getValue().asText()).append("\"\n"));
    return b.toString();
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
