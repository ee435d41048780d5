package dev.ordinal.scheduler;

import java.util.List;

/** What the scheduler decided for one pod. */
sealed interface SchedulingDecision {

  /** Bind the pod to the node. */
  record Bind(String node) implements SchedulingDecision {}

  /** Claims wait for their volumes on the chosen node: annotate them, bind the pod once they are bound. */
  record ProvisionFirst(String node, List<String> claims) implements SchedulingDecision {}

  /** No node fits; the message says why, per node, as kube-scheduler's does. */
  record Unschedulable(String message) implements SchedulingDecision {}
}
