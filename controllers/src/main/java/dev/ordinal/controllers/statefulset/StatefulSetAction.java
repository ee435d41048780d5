package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One change the planner decided on; {@link StatefulPodControl} carries it out. */
public sealed interface StatefulSetAction {

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
}
