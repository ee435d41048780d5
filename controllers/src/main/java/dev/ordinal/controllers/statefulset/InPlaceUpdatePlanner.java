package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.statefulset.StatefulSetAction.InPlaceUpdatePod;
import dev.ordinal.controllers.statefulset.StatefulSetAction.RefuseUpdate;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether an outdated replica can be brought to the update revision by changing the pod rather
 * than replacing it (OpenKruise's in-place update, kept to what a pod update may change): the
 * set's {@value #POLICY_ANNOTATION} annotation chooses, and only a revision whose template differs
 * from the pod's revision's template in its containers' images qualifies (not init containers':
 * kubelet reruns no init container), or in their cpu and memory resources where a
 * {@code pods/resize} would take them (upstream 1.33's in-place resize: same QoS class, no limit
 * removed, memory lowered only under a RestartContainer resizePolicy), or in both. Pure: the
 * rolling-update step of {@link StatefulSetPlanner} asks it for each pod it would recreate.
 */
public final class InPlaceUpdatePlanner {
  public static final String POLICY_ANNOTATION = "apps.ordinal.dev/pod-update-policy";

  /** The values of {@value #POLICY_ANNOTATION}; absent means {@code ReCreate}. */
  public enum Policy {
    ReCreate,
    InPlaceIfPossible,
    InPlaceOnly;

    /** The set's policy; an unknown value (validation refuses it on write) is taken as ReCreate. */
    public static Policy of(ObjectNode set) {
      String value = Meta.annotations(set).getOrDefault(POLICY_ANNOTATION, "ReCreate");
      for (Policy p : values()) {
        if (p.name().equals(value)) {
          return p;
        }
      }
      return ReCreate;
    }
  }

  private InPlaceUpdatePlanner() {}

  /**
   * What to do instead of deleting {@code pod} to update it: an {@link InPlaceUpdatePod} (the pod
   * with the new images and revision label), a {@link RefuseUpdate} (InPlaceOnly and a change a pod
   * update cannot make), or null: recreate it as usual.
   *
   * @param from the pod template of the pod's own revision (null if that revision is gone)
   * @param to the pod template of the update revision
   */
  public static StatefulSetAction update(ObjectNode set, ObjectNode pod, ObjectNode from, ObjectNode to, String updateRevision) {
    Policy policy = Policy.of(set);
    if (policy == Policy.ReCreate) {
      return null;
    }
    if (from == null || to == null || !(onlyImagesDiffer(from, to) || onlyImagesAndResourcesDiffer(from, to))) {
      return policy == Policy.InPlaceOnly
          ? new RefuseUpdate(Meta.name(pod), "pod " + Meta.name(pod) + " not updated to revision " + updateRevision
              + ": the change is not only of container images, and the pod update policy is InPlaceOnly")
          : null;
    }
    ObjectNode updated = pod.deepCopy();
    Map<String, JsonNode> wanted = new HashMap<>();
    for (JsonNode c : to.path("spec").path("containers")) {
      wanted.put(c.path("name").asText(), c);
    }
    ObjectNode resize = onlyImagesDiffer(from, to) ? null : pod.deepCopy();
    for (JsonNode c : updated.path("spec").path("containers")) {
      JsonNode w = wanted.get(c.path("name").asText());
      if (w != null && c instanceof ObjectNode container) {
        container.put("image", w.path("image").asText());
        if (resize != null) {
          setResources(container, w);
        }
      }
    }
    if (resize != null) {
      for (JsonNode c : resize.path("spec").path("containers")) {
        JsonNode w = wanted.get(c.path("name").asText());
        if (w != null && c instanceof ObjectNode container) {
          setResources(container, w);
        }
      }
    }
    Meta.of(updated).with("labels").put(StatefulSetIdentity.REVISION_LABEL, updateRevision);
    return new InPlaceUpdatePod(updated, updateRevision, resize);
  }

  /**
   * The two templates are the same but for their (app) containers' images. Not even the pull
   * policy may differ (a pod update may not change it), so a move to {@code :latest}, whose
   * defaulted policy is Always, recreates.
   */
  static boolean onlyImagesDiffer(ObjectNode from, ObjectNode to) {
    return withoutImages(from).equals(withoutImages(to));
  }

  private static void setResources(ObjectNode container, JsonNode wanted) {
    if (wanted.has("resources")) {
      container.set("resources", wanted.get("resources").deepCopy());
    } else {
      container.remove("resources");
    }
  }

  /**
   * The two templates differ in their containers' images and cpu/memory resources alone, and a
   * {@code pods/resize} would accept the resources' change (judged on the templates' specs, as
   * the validation of the resize will judge the pod).
   */
  static boolean onlyImagesAndResourcesDiffer(ObjectNode from, ObjectNode to) {
    ObjectNode a = withoutImages(from);
    ObjectNode b = withoutImages(to);
    for (ObjectNode t : java.util.List.of(a, b)) {
      for (JsonNode c : t.path("spec").path("containers")) {
        ((ObjectNode) c).remove("resources");
      }
    }
    // judged without the images, which the pod update (not the resize) changes
    return a.equals(b) && dev.ordinal.apiserver.strategy.PodResizeValidation.resizable(withoutImages(from).path("spec"),
        withoutImages(to).path("spec"));
  }

  private static ObjectNode withoutImages(ObjectNode template) {
    ObjectNode t = template.deepCopy();
    if (t.path("spec").path("containers") instanceof ArrayNode containers) {
      for (JsonNode c : containers) {
        if (c instanceof ObjectNode o) {
          o.remove("image");
        }
      }
    }
    return t;
  }

  /**
   * A pod updated in place whose node has not yet reported every container running its new image
   * (its status still names the old one): not ready, whatever its old Ready condition says, so the
   * rollout's budget and order wait for it as for a recreated pod. A pod without container statuses
   * is judged by its conditions alone.
   */
  public static boolean isImageUpdatePending(ObjectNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      // resized in place and the node not done applying it: not ready either
      if (c.path("type").asText().equals("PodResizeInProgress") && c.path("status").asText().equals("True")) {
        return true;
      }
    }
    Map<String, JsonNode> statuses = new HashMap<>();
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      statuses.put(s.path("name").asText(), s);
    }
    for (JsonNode c : pod.path("spec").path("containers")) {
      JsonNode s = statuses.get(c.path("name").asText());
      if (s != null && (!s.path("image").asText().equals(c.path("image").asText()) || !s.path("ready").asBoolean(true))) {
        return true;
      }
    }
    return false;
  }
}
