package dev.ordinal.scheduler.daemonset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.scheduler.NodeAffinity;
import dev.ordinal.scheduler.taints.Tolerations;

/**
 * Whether a node should run a DaemonSet's pod, as upstream's {@code NodeShouldRunDaemonPod}
 * decides it, with the scheduler's own predicates (this is why the controller lives in the
 * scheduler module): the template's nodeName, nodeSelector and required node affinity must
 * match; an untolerated NoSchedule or NoExecute taint (after the daemon tolerations) means no new
 * pod, and an untolerated NoExecute taint means the existing pod goes too. Pure.
 */
public final class NodeEligibility {
  private NodeEligibility() {}

  /** shouldRun: a pod should be there; shouldContinueRunning: a pod there may stay. */
  public record Decision(boolean shouldRun, boolean shouldContinueRunning) {}

  public static Decision of(ObjectNode ds, ObjectNode node) {
    ObjectNode pod = Json.object();
    pod.set("spec", DaemonPods.withDaemonTolerations(ds.path("spec").path("template").path("spec")));
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (!nodeName.isEmpty() && !nodeName.equals(Meta.name(node))) {
      return new Decision(false, false);
    }
    if (NodeAffinity.filter(pod, node) != null) {
      return new Decision(false, false);
    }
    var taints = node.path("spec").path("taints");
    var tolerations = pod.path("spec").path("tolerations");
    if (Tolerations.firstUntolerated(taints, tolerations, Tolerations::keepsPodsOff) != null) {
      boolean evicted = Tolerations.firstUntolerated(taints, tolerations, "NoExecute"::equals) != null;
      return new Decision(false, !evicted);
    }
    return new Decision(true, true);
  }
}
