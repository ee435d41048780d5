package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code persistentVolumeClaimRetentionPolicy} as Kubernetes implements it, purely with controller
 * owner references that the garbage collector follows: whenDeleted=Delete makes the set own the
 * claim; whenScaled=Delete makes the pod own it once the pod is condemned (outside the range).
 */
final class ClaimOwnership {
  private ClaimOwnership() {}

  /**
   * The claim with the owner references the policy wants, or null when it already has them or is
   * controlled by something else (which is left alone).
   *
   * @param pod the replica using the claim, or null when it does not exist
   */
  static ObjectNode reconcile(ObjectNode set, ObjectNode claim, ObjectNode pod, boolean condemned) {
    String whenDeleted = set.path("spec").path("persistentVolumeClaimRetentionPolicy").path("whenDeleted").asText("Retain");
    String whenScaled = set.path("spec").path("persistentVolumeClaimRetentionPolicy").path("whenScaled").asText("Retain");
    String setUid = Meta.uid(set);
    String podUid = pod == null ? "" : Meta.uid(pod);
    ObjectNode controller = StatefulSetIdentity.controllerOf(claim);
    if (controller != null && !controller.path("uid").asText().equals(setUid) && !controller.path("uid").asText().equals(podUid)
        && isOurs(set, pod, controller)) {
      // a stale reference (same name, other uid) is left alone, as upstream does
      return null;
    }
    if (controller != null && !isOurs(set, pod, controller)) {
      return null;
    }
    List<ObjectNode> refs = new ArrayList<>();
    for (ObjectNode ref : Meta.ownerReferences(claim)) {
      if (!isOurs(set, pod, ref)) {
        refs.add(ref);
      }
    }
    if (condemned && whenScaled.equals("Delete") && pod != null) {
      ObjectNode podRef = claim.objectNode();
      podRef.put("apiVersion", "v1").put("kind", "Pod").put("name", Meta.name(pod)).put("uid", podUid);
      podRef.put("controller", true).put("blockOwnerDeletion", true);
      refs.add(podRef);
    } else if (whenDeleted.equals("Delete")) {
      refs.add(StatefulSetIdentity.ownerReference(set));
    }
    // compared before copying: every pass asks this of every claim, and nearly all are as wanted
    if (sameRefs(Meta.ownerReferences(claim), refs)) {
      return null;
    }
    ObjectNode updated = claim.deepCopy();
    if (refs.isEmpty()) {
      Meta.of(updated).remove("ownerReferences");
    } else {
      ArrayNode a = Meta.of(updated).putArray("ownerReferences");
      refs.forEach(a::add);
    }
    return updated;
  }

  private static boolean isOurs(ObjectNode set, ObjectNode pod, ObjectNode ref) {
    String kind = ref.path("kind").asText();
    String name = ref.path("name").asText();
    return (kind.equals("StatefulSet") && name.equals(Meta.name(set)))
        || (kind.equals("Pod") && pod != null && name.equals(Meta.name(pod)));
  }

  private static boolean sameRefs(List<ObjectNode> have, List<ObjectNode> want) {
    return have.equals(want);
  }
}
