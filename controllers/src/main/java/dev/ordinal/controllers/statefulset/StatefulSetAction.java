package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;

/** One change the planner decided on; {@link StatefulPodControl} carries it out. */
public sealed interface StatefulSetAction {

  /** The name of the pod or claim acted on (both end in the replica's ordinal). */
  default String objectName() {
    return switch (this) {
      case CreateClaim c -> Meta.name(c.claim());
      case CreatePod c -> Meta.name(c.pod());
      case DeletePod d -> d.name();
      case UpdatePod u -> Meta.name(u.pod());
      case UpdateClaim u -> Meta.name(u.claim());
      case InPlaceUpdatePod u -> Meta.name(u.pod());
      case RefuseUpdate r -> r.name();
    };
  }

  /** Create a claim for a replica (before its pod). */
  record CreateClaim(ObjectNode claim) implements StatefulSetAction {}

  /** Create a replica. */
  record CreatePod(ObjectNode pod) implements StatefulSetAction {}

  /** Delete a replica (failed, condemned by a scale-down, or outdated by an update). */
  record DeletePod(String name, String uid, String reason) implements StatefulSetAction {}

  /** Write a pod whose identity labels or owner reference were repaired. */
  record UpdatePod(ObjectNode pod) implements StatefulSetAction {}

  /** Write a claim whose owner references follow the retention policy. */
  record UpdateClaim(ObjectNode claim) implements StatefulSetAction {}

  /** Bring an outdated replica to {@code revision} by writing its new images (see {@link InPlaceUpdatePlanner}). */
  /**
   * @param resize the pod as read with the new containers' resources, written first through
   *     {@code pods/resize} (a pod update may not change them), or null: no resources change
   */
  record InPlaceUpdatePod(ObjectNode pod, String revision, ObjectNode resize) implements StatefulSetAction {
    public InPlaceUpdatePod(ObjectNode pod, String revision) {
      this(pod, revision, null);
    }
  }

  /** Leave an outdated replica as it is and say why in a Warning event (pod update policy InPlaceOnly). */
  record RefuseUpdate(String name, String message) implements StatefulSetAction {}
}
