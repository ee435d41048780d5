package dev.ordinal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Upstream's naming and establishing controllers, and the finalizer's first step, as one pure
 * decision per CRD: which names it gets (none that another CRD of the same group accepted first),
 * its NamesAccepted, Established and Terminating conditions, and whether it is served.
 */
public final class CrdStatusPlanner {
  private CrdStatusPlanner() {}

  /**
   * What to do about one CRD.
   *
   * @param status the status to write, or empty when the stored one is right
   * @param serve whether its versions are served (names accepted, not being deleted)
   * @param cleanUp whether it is being deleted and its objects must go before the finalizer
   */
  public record Plan(Optional<ObjectNode> status, boolean serve, boolean cleanUp) {}

  /**
   * @param crd the CRD as stored
   * @param others every other stored CRD
   * @param now the time for new conditions' lastTransitionTime
   */
  public static Plan plan(ObjectNode crd, List<ObjectNode> others, String now) {
    ObjectNode status = crd.path("status").isObject() ? crd.get("status").deepCopy() : Json.object();
    boolean deleting = crd.path("metadata").hasNonNull("deletionTimestamp");
    String conflict = conflict(crd, others);
    if (conflict == null) {
      status.set("acceptedNames", accepted(crd.path("spec").path("names")));
      condition(status, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
      if (!deleting) {
        condition(status, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
      }
    } else {
      condition(status, "NamesAccepted", "False", "NameConflict", conflict, now);
      if (!status.has("acceptedNames")) {
        status.putObject("acceptedNames").put("plural", "").put("kind", "");
      }
      if (!hasCondition(status, "Established", "True")) {
        condition(status, "Established", "False", "NotAccepted", "not all names are accepted", now);
      }
    }
    if (deleting) {
      condition(status, "Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress", now);
    }
    String storage = CrdServing.storageVersion(crd);
    ArrayNode stored = status.withArray("storedVersions");
    boolean has = false;
    for (JsonNode v : stored) {
      has |= v.asText().equals(storage);
    }
    if (!has && !storage.isEmpty()) {
      stored.add(storage);
    }
    boolean serve = !deleting && hasCondition(status, "Established", "True")
        && !status.path("acceptedNames").path("plural").asText("").isEmpty();
    Optional<ObjectNode> write = status.equals(crd.path("status")) ? Optional.empty() : Optional.of(status);
    return new Plan(write, serve, deleting);
  }

  /** Why the CRD's names clash with another CRD of its group that was there first, or null. */
  static String conflict(ObjectNode crd, List<ObjectNode> others) {
    String group = CrdServing.group(crd);
    JsonNode names = crd.path("spec").path("names");
    for (ObjectNode other : others) {
      if (!CrdServing.group(other).equals(group) || other.path("metadata").path("name").equals(crd.path("metadata").path("name"))) {
        continue;
      }
      if (!olderThan(other, crd)) {
        continue;
      }
      JsonNode theirs = other.path("status").path("acceptedNames");
      List<String> taken = new ArrayList<>();
      for (String f : List.of("plural", "singular")) {
        taken.add(theirs.path(f).asText(""));
      }
      theirs.path("shortNames").forEach(s -> taken.add(s.asText()));
      for (String f : List.of("plural", "singular")) {
        String mine = names.path(f).asText("");
        if (!mine.isEmpty() && taken.contains(mine)) {
          return "\"" + mine + "\" is already in use";
        }
      }
      for (JsonNode s : names.path("shortNames")) {
        if (taken.contains(s.asText())) {
          return "\"" + s.asText() + "\" is already in use";
        }
      }
      String kind = names.path("kind").asText("");
      if (!kind.isEmpty() && (kind.equals(theirs.path("kind").asText()) || kind.equals(theirs.path("listKind").asText()))) {
        return "\"" + kind + "\" is already in use";
      }
    }
    return null;
  }

  private static boolean olderThan(ObjectNode a, ObjectNode b) {
    int c = a.path("metadata").path("creationTimestamp").asText("").compareTo(b.path("metadata").path("creationTimestamp").asText(""));
    return c < 0 || (c == 0 && a.path("metadata").path("name").asText().compareTo(b.path("metadata").path("name").asText()) < 0);
  }

  private static ObjectNode accepted(JsonNode names) {
    ObjectNode a = names.deepCopy();
    return a;
  }

  private static boolean hasCondition(ObjectNode status, String type, String value) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText().equals(value);
      }
    }
    return false;
  }

  /** Sets a condition; its lastTransitionTime moves only when its status does. */
  private static void condition(ObjectNode status, String type, String value, String reason, String message, String now) {
    ArrayNode conditions = status.withArray("conditions");
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals(type)) {
        ObjectNode o = (ObjectNode) c;
        if (!o.path("status").asText().equals(value)) {
          o.put("lastTransitionTime", now);
        }
        o.put("status", value).put("reason", reason).put("message", message);
        return;
      }
    }
    conditions.addObject().put("type", type).put("status", value).put("lastTransitionTime", now).put("reason", reason)
        .put("message", message);
  }
}
