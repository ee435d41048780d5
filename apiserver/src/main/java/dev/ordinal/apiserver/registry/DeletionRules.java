package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import java.time.Instant;
import java.util.List;

/**
 * When a delete removes an object at once and when it only marks it: finalizers (including the
 * ones the propagation policy adds), graceful pod termination, and namespace finalization.
 */
public final class DeletionRules {
  public static final String ORPHAN = "orphan";
  public static final String FOREGROUND = "foregroundDeletion";

  /**
   * Returns null when the object can be removed now, else the object marked for deletion
   * ({@code deletionTimestamp} set, finalizers added by the propagation policy). {@code obj} is a
   * copy the method may change.
   */
  public ObjectNode markForDeletion(ResourceType type, ObjectNode obj, DeleteOptions opts) {
    ObjectNode meta = Meta.of(obj);
    List<String> finalizers = Meta.finalizers(obj);
    String policy = opts.propagationPolicy();
    if (policy != null && !Meta.isDeleting(obj)) {
      finalizers.remove(ORPHAN);
      finalizers.remove(FOREGROUND);
      if (policy.equals("Orphan")) {
        finalizers.add(ORPHAN);
      } else if (policy.equals("Foreground")) {
        finalizers.add(FOREGROUND);
      }
      Meta.setFinalizers(obj, finalizers);
    }
    long grace = gracePeriod(type, obj, opts);
    boolean namespaceFinalizing = type.kind().equals("Namespace") && !namespaceFinalizers(obj).isEmpty();
    if (finalizers.isEmpty() && grace == 0 && !namespaceFinalizing) {
      return null;
    }
    if (Meta.isDeleting(obj)) {
      long current = meta.path("deletionGracePeriodSeconds").asLong(0);
      if (grace < current) {
        // a shorter grace period (e.g. --force) moves the deadline forward, never back
        meta.put("deletionGracePeriodSeconds", grace);
        meta.put("deletionTimestamp", Meta.timestamp(Instant.now().plusSeconds(grace)));
      }
      return grace == 0 && finalizers.isEmpty() && !namespaceFinalizing ? null : obj;
    }
    meta.put("deletionTimestamp", Meta.timestamp(Instant.now().plusSeconds(grace)));
    meta.put("deletionGracePeriodSeconds", grace);
    if (namespaceFinalizing) {
      obj.with("status").put("phase", "Terminating");
    }
    return obj;
  }

  /** True when an object marked for deletion has nothing left holding it. */
  public boolean readyToRemove(ResourceType type, ObjectNode obj) {
    if (!Meta.isDeleting(obj) || !Meta.finalizers(obj).isEmpty()) {
      return false;
    }
    if (type.kind().equals("Namespace")) {
      return namespaceFinalizers(obj).isEmpty();
    }
    // a pod in its grace period is removed by its node (a delete with grace 0), not by an update
    return !type.kind().equals("Pod") || Meta.of(obj).path("deletionGracePeriodSeconds").asLong(0) == 0;
  }

  private static List<String> namespaceFinalizers(ObjectNode ns) {
    JsonNode f = ns.path("spec").path("finalizers");
    return f.isArray() ? java.util.stream.StreamSupport.stream(f.spliterator(), false).map(JsonNode::asText).toList() : List.of();
  }

  /** Pods bound to a node stop gracefully; everything else goes at once. */
  private static long gracePeriod(ResourceType type, ObjectNode obj, DeleteOptions opts) {
    if (!type.kind().equals("Pod")) {
      return 0;
    }
    String phase = obj.path("status").path("phase").asText("");
    if (obj.path("spec").path("nodeName").asText("").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
      return 0;
    }
    if (opts.gracePeriodSeconds() != null) {
      return Math.max(0, opts.gracePeriodSeconds());
    }
    return obj.path("spec").path("terminationGracePeriodSeconds").asLong(30);
  }
}
