package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The variables kubelet gives every container for the Services it may reach: for each Service
 * with a cluster IP, {@code NAME_SERVICE_HOST}, {@code NAME_SERVICE_PORT} (the first port),
 * {@code NAME_SERVICE_PORT_PORTNAME} for named ports, and Docker's link variables
 * ({@code NAME_PORT=tcp://ip:port}, {@code NAME_PORT_80_TCP…}). The pod's own namespace counts
 * when {@code enableServiceLinks} is on (the default); the {@code kubernetes} Service of
 * {@code default} counts always, unless the namespace has a Service of that name. Pure.
 */
final class ServiceEnv {
  private static final String MASTER_NAMESPACE = "default";
  private static final String MASTER_SERVICE = "kubernetes";

  private ServiceEnv() {}

  /**
   * @param namespaceServices the Services of the pod's namespace
   * @param masterServices the Services of {@code default} (only {@code kubernetes} is used from them)
   */
  static Map<String, String> of(ObjectNode pod, List<ObjectNode> namespaceServices, List<ObjectNode> masterServices) {
    boolean links = pod.path("spec").path("enableServiceLinks").asBoolean(true);
    Map<String, ObjectNode> byName = new TreeMap<>();
    if (links) {
      namespaceServices.forEach(s -> byName.put(Meta.name(s), s));
    }
    for (ObjectNode s : masterServices) {
      if (Meta.name(s).equals(MASTER_SERVICE) && Meta.namespace(s).equals(MASTER_NAMESPACE)) {
        byName.putIfAbsent(MASTER_SERVICE, s);
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    byName.values().forEach(s -> add(s, env));
    return env;
  }

  private static void add(ObjectNode service, Map<String, String> env) {
    String ip = service.path("spec").path("clusterIP").asText("");
    JsonNode ports = service.path("spec").path("ports");
    if (ip.isEmpty() || ip.equals("None") || ports.isEmpty()) {
      return;
    }
    String prefix = variable(Meta.name(service));
    env.put(prefix + "_SERVICE_HOST", ip);
    env.put(prefix + "_SERVICE_PORT", ports.get(0).path("port").asText());
    for (JsonNode p : ports) {
      if (!p.path("name").asText("").isEmpty()) {
        env.put(prefix + "_SERVICE_PORT_" + variable(p.path("name").asText()), p.path("port").asText());
      }
    }
    for (int i = 0; i < ports.size(); i++) {
      JsonNode p = ports.get(i);
      String protocol = p.path("protocol").asText("TCP");
      String url = protocol.toLowerCase(Locale.ROOT) + "://" + hostPort(ip, p.path("port").asText());
      if (i == 0) {
        env.put(prefix + "_PORT", url);
      }
      String portPrefix = prefix + "_PORT_" + p.path("port").asText() + "_" + protocol.toUpperCase(Locale.ROOT);
      env.put(portPrefix, url);
      env.put(portPrefix + "_PROTO", protocol.toLowerCase(Locale.ROOT));
      env.put(portPrefix + "_PORT", p.path("port").asText());
      env.put(portPrefix + "_ADDR", ip);
    }
  }

  private static String variable(String name) {
    return name.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static String hostPort(String ip, String port) {
    return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
