package dev.ordinal.scheduler.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.pods.PodTemplates;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The pods of a DaemonSet as Kubernetes' daemon controller makes and reads them: the template
 * with the tolerations every daemon pod gets, the {@code controller-revision-hash} and
 * {@code pod-template-generation} labels, and a required node affinity {@code metadata.name In
 * [node]} in place of the template's required terms (so the default scheduler binds it there).
 * Pure.
 */
public final class DaemonPods {
  public static final String HASH_LABEL = "controller-revision-hash";
  public static final String GENERATION_LABEL = "pod-template-generation";
  public static final String GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

  private DaemonPods() {}

  /** upstream's AddOrUpdateDaemonPodTolerations: key, effect; NoExecute ones without tolerationSeconds. */
  private static final String[][] TOLERATIONS = {
    {"node.kubernetes.io/not-ready", "NoExecute"},
    {"node.kubernetes.io/unreachable", "NoExecute"},
    {"node.kubernetes.io/disk-pressure", "NoSchedule"},
    {"node.kubernetes.io/memory-pressure", "NoSchedule"},
    {"node.kubernetes.io/pid-pressure", "NoSchedule"},
    {"node.kubernetes.io/unschedulable", "NoSchedule"},
  };

  /** A copy of the pod spec with the daemon tolerations added (an equal key and effect is replaced). */
  public static ObjectNode withDaemonTolerations(JsonNode podSpec) {
    ObjectNode spec = podSpec.isObject() ? ((ObjectNode) podSpec).deepCopy() : Json.object();
    ArrayNode tolerations = spec.path("tolerations").isArray() ? (ArrayNode) spec.get("tolerations") : spec.putArray("tolerations");
    for (String[] t : TOLERATIONS) {
      put(tolerations, t[0], t[1]);
    }
    if (spec.path("hostNetwork").asBoolean(false)) {
      put(tolerations, "node.kubernetes.io/network-unavailable", "NoSchedule");
    }
    return spec;
  }

  private static void put(ArrayNode tolerations, String key, String effect) {
    for (int i = tolerations.size() - 1; i >= 0; i--) {
      JsonNode t = tolerations.get(i);
      if (t.path("key").asText("").equals(key) && t.path("effect").asText("").equals(effect)) {
        tolerations.remove(i);
      }
    }
    tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", effect);
  }

  /** The template generation the API server keeps on the DaemonSet, or null. */
  public static String templateGeneration(ObjectNode ds) {
    String g = ds.path("metadata").path("annotations").path(GENERATION_ANNOTATION).asText("");
    return g.isEmpty() ? null : g;
  }

  /** A new pod of {@code ds} for {@code node}, at the revision {@code hash}. */
  public static ObjectNode newPod(ObjectNode ds, String hash, String node) {
    ObjectNode pod = PodTemplates.newPod(ds, ds.path("spec").path("template"));
    ObjectNode labels = (ObjectNode) pod.path("metadata").path("labels");
    String generation = templateGeneration(ds);
    if (generation != null) {
      labels.put(GENERATION_LABEL, generation);
    }
    labels.put(HASH_LABEL, hash);
    ObjectNode spec = withDaemonTolerations(pod.path("spec"));
    ObjectNode affinity = spec.path("affinity").isObject() ? (ObjectNode) spec.get("affinity") : spec.putObject("affinity");
    ObjectNode nodeAffinity = affinity.path("nodeAffinity").isObject() ? (ObjectNode) affinity.get("nodeAffinity") : affinity.putObject("nodeAffinity");
    ObjectNode term = nodeAffinity.putObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms").addObject();
    term.putArray("matchFields").addObject().put("key", "metadata.name").put("operator", "In").putArray("values").add(node);
    pod.set("spec", spec);
    return pod;
  }

  /** The node a daemon pod is on or meant for: spec.nodeName, else its metadata.name affinity; null when neither. */
  public static String targetNode(ObjectNode pod) {
    String bound = pod.path("spec").path("nodeName").asText("");
    if (!bound.isEmpty()) {
      return bound;
    }
    JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    for (JsonNode term : terms) {
      for (JsonNode req : term.path("matchFields")) {
        if (req.path("key").asText().equals("metadata.name") && req.path("operator").asText().equals("In") && req.path("values").size() == 1) {
          return req.path("values").get(0).asText();
        }
      }
    }
    return null;
  }

  /** upstream's IsPodUpdated: the revision hash or the template generation matches. */
  public static boolean isUpdated(ObjectNode pod, String hash, String generation) {
    var labels = Meta.labels(pod);
    return (hash != null && !hash.isEmpty() && hash.equals(labels.get(HASH_LABEL)))
        || (generation != null && generation.equals(labels.get(GENERATION_LABEL)));
  }

  /** podByCreationTimestampAndPhase: bound pods first, then oldest, then by name. */
  public static final Comparator<ObjectNode> OLDEST_FIRST = Comparator
      .comparing((ObjectNode p) -> p.path("spec").path("nodeName").asText("").isEmpty())
      .thenComparing(p -> created(p))
      .thenComparing(Meta::name);

  private static Instant created(ObjectNode p) {
    String t = Meta.text(p, "creationTimestamp");
    return t.isEmpty() ? Instant.EPOCH : Instant.parse(t);
  }

  static List<ObjectNode> sorted(List<ObjectNode> pods) {
    return pods.stream().sorted(OLDEST_FIRST).toList();
  }
}
