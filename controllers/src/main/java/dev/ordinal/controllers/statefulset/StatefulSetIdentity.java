package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identity a StatefulSet gives each replica: its name, labels, hostname and subdomain, its
 * claims, and the owner reference back to the set. Pure functions over JSON.
 */
public final class StatefulSetIdentity {
  public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  public static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
  public static final String REVISION_LABEL = "controller-revision-hash";
  private static final Pattern ORDINAL = Pattern.compile("(.*)-([0-9]+)$");

  private StatefulSetIdentity() {}

  public static String podName(String set, int ordinal) {
    return set + "-" + ordinal;
  }

  /** The ordinal in a pod's name, or -1 when the name has none. */
  public static int ordinal(String podName) {
    Matcher m = ORDINAL.matcher(podName);
    if (!m.matches()) {
      return -1;
    }
    try {
      return Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** True when the pod is named for this set ({@code <set>-<ordinal>}). */
  public static boolean isMember(String set, ObjectNode pod) {
    // by hand rather than by the pattern: it runs for every pod on every pass of a set
    String name = Meta.name(pod);
    if (name.length() <= set.length() + 1 || !name.startsWith(set) || name.charAt(set.length()) != '-') {
      return false;
    }
    for (int i = set.length() + 1; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  public static String claimName(String template, String set, int ordinal) {
    return template + "-" + podName(set, ordinal);
  }

  public static String revisionOf(ObjectNode pod) {
    return pod.path("metadata").path("labels").path(REVISION_LABEL).asText("");
  }

  /** The controller owner reference a set puts on what it creates. */
  public static ObjectNode ownerReference(ObjectNode set) {
    ObjectNode ref = Json.object();
    ref.put("apiVersion", "apps/v1").put("kind", "StatefulSet").put("name", Meta.name(set)).put("uid", Meta.uid(set));
    ref.put("controller", true).put("blockOwnerDeletion", true);
    return ref;
  }

  /** The controller reference of an object, or null. */
  public static ObjectNode controllerOf(ObjectNode obj) {
    for (ObjectNode ref : Meta.ownerReferences(obj)) {
      if (ref.path("controller").asBoolean(false)) {
        return ref;
      }
    }
    return null;
  }

  /** A new replica of {@code set} at {@code ordinal}, from the template of the given revision. */
  public static ObjectNode newPod(ObjectNode set, ObjectNode template, int ordinal, String revision) {
    String setName = Meta.name(set);
    String name = podName(setName, ordinal);
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = pod.putObject("metadata");
    meta.put("name", name).put("namespace", Meta.namespace(set));
    ObjectNode labels = meta.putObject("labels");
    JsonNode templateMeta = template.path("metadata");
    if (templateMeta.path("labels").isObject()) {
      labels.setAll((ObjectNode) templateMeta.path("labels"));
    }
    labels.put(POD_NAME_LABEL, name).put(POD_INDEX_LABEL, Integer.toString(ordinal)).put(REVISION_LABEL, revision);
    if (templateMeta.path("annotations").isObject()) {
      meta.set("annotations", templateMeta.path("annotations").deepCopy());
    }
    if (templateMeta.path("finalizers").isArray()) {
      meta.set("finalizers", templateMeta.path("finalizers").deepCopy());
    }
    meta.putArray("ownerReferences").add(ownerReference(set));
    ObjectNode spec = template.path("spec").isObject() ? ((ObjectNode) template.path("spec")).deepCopy() : Json.object();
    spec.put("hostname", name);
    String service = set.path("spec").path("serviceName").asText("");
    if (!service.isEmpty()) {
      spec.put("subdomain", service);
    }
    for (JsonNode claim : set.path("spec").path("volumeClaimTemplates")) {
      String claimTemplate = claim.path("metadata").path("name").asText();
      ArrayNode volumes = spec.withArray("volumes");
      for (int i = volumes.size() - 1; i >= 0; i--) {
        if (volumes.get(i).path("name").asText().equals(claimTemplate)) {
          volumes.remove(i);
        }
      }
      ObjectNode v = volumes.addObject();
      v.put("name", claimTemplate);
      v.putObject("persistentVolumeClaim").put("claimName", claimName(claimTemplate, setName, ordinal));
    }
    pod.set("spec", spec);
    return pod;
  }

  /** The claims replica {@code ordinal} uses, as they would be created (owner references aside). */
  public static java.util.List<ObjectNode> newClaims(ObjectNode set, int ordinal) {
    java.util.List<ObjectNode> out = new java.util.ArrayList<>();
    String setName = Meta.name(set);
    for (JsonNode template : set.path("spec").path("volumeClaimTemplates")) {
      ObjectNode claim = Json.object();
      claim.put("apiVersion", "v1").put("kind", "PersistentVolumeClaim");
      ObjectNode meta = claim.putObject("metadata");
      meta.put("name", claimName(template.path("metadata").path("name").asText(), setName, ordinal));
      meta.put("namespace", Meta.namespace(set));
      ObjectNode labels = meta.putObject("labels");
      if (template.path("metadata").path("labels").isObject()) {
        labels.setAll((ObjectNode) template.path("metadata").path("labels"));
      }
      JsonNode match = set.path("spec").path("selector").path("matchLabels");
      if (match.isObject()) {
        labels.setAll((ObjectNode) match);
      }
      if (template.path("metadata").path("annotations").isObject()) {
        meta.set("annotations", template.path("metadata").path("annotations").deepCopy());
      }
      claim.set("spec", template.path("spec").deepCopy());
      out.add(claim);
    }
    return out;
  }
}
