package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * ControllerRevisions of a StatefulSet, as Kubernetes keeps them: the data is the pod template as
 * a replace patch, the name is {@code <set>-<hash>}, and equal data means the same revision (so
 * returning to an old template is a rollback to its revision, renumbered as the newest).
 * Serialization is canonical (keys sorted), so a restart never looks like a template change.
 */
public final class StatefulSetRevisions {
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private StatefulSetRevisions() {}

  /** {@code {"spec":{"template":{...,"$patch":"replace"}}}}. */
  public static ObjectNode data(ObjectNode set) {
    ObjectNode template = set.path("spec").path("template").isObject()
        ? ((ObjectNode) set.path("spec").path("template")).deepCopy() : Json.object();
    template.put("$patch", "replace");
    ObjectNode data = Json.object();
    data.putObject("spec").set("template", template);
    return canonical(data);
  }

  /** Kubernetes' hash shape: FNV-1a over the data (and collision count), safely encoded. */
  public static String hash(ObjectNode data, long collisionCount) {
    int h = 0x811c9dc5;
    byte[] bytes = Json.bytes(canonical(data));
    for (byte b : bytes) {
      h ^= (b & 0xff);
      h *= 0x01000193;
    }
    if (collisionCount > 0) {
      for (byte b : Long.toString(collisionCount).getBytes(StandardCharsets.US_ASCII)) {
        h ^= (b & 0xff);
        h *= 0x01000193;
      }
    }
    String decimal = Long.toString(h & 0xffffffffL);
    StringBuilder out = new StringBuilder();
    for (char c : decimal.toCharArray()) {
      out.append(ALPHANUMS.charAt((c - '0') % ALPHANUMS.length()));
    }
    return out.toString();
  }

  /** A copy of a JSON tree with every object's keys sorted. */
  static ObjectNode canonical(ObjectNode node) {
    return (ObjectNode) sortKeys(node);
  }

  private static JsonNode sortKeys(JsonNode n) {
    if (n.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        sorted.put(k, sortKeys(n.get(k)));
      }
      ObjectNode o = Json.object();
      sorted.forEach(o::set);
      return o;
    }
    if (n.isArray()) {
      var a = Json.MAPPER.createArrayNode();
      n.forEach(e -> a.add(sortKeys(e)));
      return a;
    }
    return n;
  }

  /** What the revisions of a set should become for its current template. */
  public record Plan(String updateRevision, ObjectNode create, ObjectNode rollback, long collisionCount) {}

  /**
   * Chooses the update revision: an existing revision with equal data (renumbered when it is not
   * the newest), else a new one. A name taken by a revision with other data bumps the collision
   * count.
   */
  public static Plan plan(ObjectNode set, List<ObjectNode> revisions) {
    return plan(set, revisions, StatefulSetIdentity.ownerReference(set));
  }

  /**
   * As {@link #plan(ObjectNode, List)} for any owner whose revisions hold {@code spec.template}
   * (a DaemonSet's too), with the controller reference new revisions get.
   */
  public static Plan plan(ObjectNode set, List<ObjectNode> revisions, ObjectNode ownerRef) {
    ObjectNode data = data(set);
    long collisions = set.path("status").path("collisionCount").asLong(0);
    List<ObjectNode> sorted = sorted(revisions);
    long newest = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1).path("revision").asLong(0);
    for (ObjectNode r : sorted) {
      if (canonical(objectOr(r.path("data"))).equals(data)) {
        boolean isNewest = r.path("revision").asLong(0) == newest;
        ObjectNode rollback = null;
        if (!isNewest) {
          rollback = r.deepCopy();
          rollback.put("revision", newest + 1);
        }
        return new Plan(Meta.name(r), null, rollback, collisions);
      }
    }
    while (true) {
      String name = Meta.name(set) + "-" + hash(data, collisions);
      boolean taken = revisions.stream().anyMatch(r -> Meta.name(r).equals(name));
      if (!taken) {
        return new Plan(name, newRevision(set, name, data, newest + 1, ownerRef), null, collisions);
      }
      collisions++;
    }
  }

  private static ObjectNode objectOr(JsonNode n) {
    return n.isObject() ? (ObjectNode) n : Json.object();
  }

  private static ObjectNode newRevision(ObjectNode set, String name, ObjectNode data, long number, ObjectNode ownerRef) {
    ObjectNode r = Json.object();
    r.put("apiVersion", "apps/v1").put("kind", "ControllerRevision");
    ObjectNode meta = r.putObject("metadata");
    meta.put("name", name).put("namespace", Meta.namespace(set));
    ObjectNode labels = meta.putObject("labels");
    JsonNode templateLabels = set.path("spec").path("template").path("metadata").path("labels");
    if (templateLabels.isObject()) {
      labels.setAll((ObjectNode) templateLabels);
    }
    labels.put("controller.kubernetes.io/hash", name.substring(Meta.name(set).length() + 1));
    meta.putArray("ownerReferences").add(ownerRef);
    r.set("data", data);
    r.put("revision", number);
    return r;
  }

  /** Oldest first. */
  public static List<ObjectNode> sorted(List<ObjectNode> revisions) {
    List<ObjectNode> out = new ArrayList<>(revisions);
    out.sort(Comparator.comparingLong((ObjectNode r) -> r.path("revision").asLong(0)).thenComparing(Meta::name));
    return out;
  }

  /** Revisions to delete: the oldest beyond the limit, never current, update, or one a pod uses. */
  public static List<ObjectNode> excess(List<ObjectNode> revisions, int limit, Set<String> live) {
    List<ObjectNode> candidates = sorted(revisions).stream().filter(r -> !live.contains(Meta.name(r))).toList();
    int removable = revisions.size() - Math.max(limit, 0);
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode r : candidates) {
      if (out.size() >= removable) {
        break;
      }
      out.add(r);
    }
    return out;
  }
}
