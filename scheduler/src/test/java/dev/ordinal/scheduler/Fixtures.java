package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Nodes and pods for the plugin tables: JSON written with single quotes. */
final class Fixtures {
  private Fixtures() {}

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  /** A ready node with hostname and (unless zone is null) zone labels, 4 cpu and 8Gi. */
  static ObjectNode node(String name, String zone, String extraSpec) {
    String zoneLabel = zone == null ? "" : ",'topology.kubernetes.io/zone':'" + zone + "'";
    return obj("{'metadata':{'name':'" + name + "','labels':{'kubernetes.io/hostname':'" + name + "'" + zoneLabel + "}},"
        + "'spec':{" + extraSpec + "},'status':{'allocatable':{'cpu':'4','memory':'8Gi','pods':'110'},"
        + "'conditions':[{'type':'Ready','status':'True'}]}}");
  }

  /** n1 and n2 in zone a, n3 in zone b. */
  static List<ObjectNode> threeNodes() {
    return List.of(node("n1", "a", ""), node("n2", "a", ""), node("n3", "b", ""));
  }

  /** A pod in namespace d; labels like "'app':'web'"; spec fields after the containers. */
  static ObjectNode pod(String name, String labels, String spec) {
    return obj("{'metadata':{'name':'" + name + "','namespace':'d','labels':{" + labels + "}},"
        + "'spec':{'containers':[{'name':'c','image':'x'}]" + spec + "}}");
  }

  /** The pod bound to the node and running. */
  static ObjectNode on(String node, ObjectNode pod) {
    ObjectNode p = pod.deepCopy();
    p.with("spec").put("nodeName", node);
    p.with("status").put("phase", "Running");
    return p;
  }

  static ObjectNode inNamespace(String ns, ObjectNode pod) {
    Meta.of(pod).put("namespace", ns);
    return pod;
  }

  static Cluster cluster(List<ObjectNode> nodes, List<ObjectNode> pods) {
    return cluster(nodes, pods, Map.of());
  }

  static Cluster cluster(List<ObjectNode> nodes, List<ObjectNode> pods, Map<String, Map<String, String>> namespaceLabels) {
    return new Cluster(nodes, Cluster.Pods.of(pods, namespaceLabels),
        new Cluster.Volumes(k -> null, k -> null, k -> null, k -> null));
  }

  /** Each node's filter answer in node order ("ok" when it fits). */
  static Map<String, String> verdicts(List<ObjectNode> nodes, java.util.function.Function<ObjectNode, String> filter) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ObjectNode n : nodes) {
      String r = filter.apply(n);
      out.put(Meta.name(n), r == null ? "ok" : r);
    }
    return out;
  }

  /** "n1=ok, n2=..." pairs as a map, for expected values. */
  static Map<String, String> expect(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    Arrays.stream(pairs).forEach(p -> out.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1)));
    return out;
  }
}
