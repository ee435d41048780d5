package dev.ordinal.controllers.pods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pods go first when a controller has too many, as Kubernetes' {@code ActivePodsWithRanks}
 * orders them (LogarithmicScaleDown on, its default since 1.22): unassigned before assigned;
 * Pending before Unknown before Running; not ready before ready; lower
 * {@code controller.kubernetes.io/pod-deletion-cost} first; pods doubled up on a node (more of
 * the owner's pods there) first; ready for less time first; more restarts first; newer first.
 * Times are compared in powers of two of their age, so pods of about the same age tie and the
 * uid decides, spreading deletions instead of always taking the very newest. Pure.
 */
public final class ScaleDownOrder {
  static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

  private ScaleDownOrder() {}

  /** The first {@code count} of {@code pods} to delete. */
  public static List<ObjectNode> toDelete(List<ObjectNode> pods, int count, Instant now) {
    if (count <= 0) {
      return List.of();
    }
    List<ObjectNode> sorted = new ArrayList<>(pods);
    sorted.sort(comparator(pods, now));
    return List.copyOf(sorted.subList(0, Math.min(count, sorted.size())));
  }

  /**
   * The order, with each pod ranked by how many of {@code related} share its node (upstream
   * ranks by the owner's own pods on the node).
   */
  public static Comparator<ObjectNode> comparator(List<ObjectNode> related, Instant now) {
    Map<String, Integer> perNode = new HashMap<>();
    for (ObjectNode p : related) {
      String node = nodeName(p);
      if (!node.isEmpty() && PodReadiness.isActive(p)) {
        perNode.merge(node, 1, Integer::sum);
      }
    }
    return (a, b) -> compare(a, b, perNode, now);
  }

  private static int compare(ObjectNode a, ObjectNode b, Map<String, Integer> perNode, Instant now) {
    boolean aAssigned = !nodeName(a).isEmpty();
    boolean bAssigned = !nodeName(b).isEmpty();
    if (aAssigned != bAssigned) {
      return aAssigned ? 1 : -1;
    }
    int phase = Integer.compare(phaseRank(a), phaseRank(b));
    if (phase != 0) {
      return phase;
    }
    boolean aReady = PodReadiness.isReady(a);
    boolean bReady = PodReadiness.isReady(b);
    if (aReady != bReady) {
      return aReady ? 1 : -1;
    }
    int cost = Long.compare(deletionCost(a), deletionCost(b));
    if (cost != 0) {
      return cost;
    }
    int rank = Integer.compare(perNode.getOrDefault(nodeName(b), 0), perNode.getOrDefault(nodeName(a), 0));
    if (rank != 0) {
      return rank;
    }
    if (aReady && bReady) {
      Instant ra = PodReadiness.readySince(a);
      Instant rb = PodReadiness.readySince(b);
      if (ra != null && rb != null && !ra.equals(rb)) {
        long diff = ageBucket(ra, now) - ageBucket(rb, now);
        return diff == 0 ? Meta.uid(a).compareTo(Meta.uid(b)) : Long.signum(diff);
      } else if ((ra == null) != (rb == null)) {
        return ra == null ? -1 : 1; // no known ready time counts as ready most recently
      }
    }
    int restarts = Integer.compare(PodReadiness.restarts(b), PodReadiness.restarts(a));
    if (restarts != 0) {
      return restarts;
    }
    Instant ca = PodReadiness.created(a);
    Instant cb = PodReadiness.created(b);
    if (!ca.equals(cb)) {
      long diff = ageBucket(ca, now) - ageBucket(cb, now);
      return diff == 0 ? Meta.uid(a).compareTo(Meta.uid(b)) : Long.signum(diff);
    }
    return Meta.uid(a).compareTo(Meta.uid(b));
  }

  /** log2 of the age in nanoseconds (-1 for none or a future time): upstream's logarithmic rank. */
  static long ageBucket(Instant t, Instant now) {
    Duration d = Duration.between(t, now);
    if (d.isNegative() || d.isZero()) {
      return -1;
    }
    return 63 - Long.numberOfLeadingZeros(d.toNanos());
  }

  private static int phaseRank(ObjectNode pod) {
    return switch (PodReadiness.phase(pod)) {
      case "Pending", "" -> 0;
      case "Unknown" -> 1;
      case "Running" -> 2;
      default -> 3;
    };
  }

  private static long deletionCost(ObjectNode pod) {
    try {
      return Long.parseLong(Meta.annotations(pod).getOrDefault(DELETION_COST, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String nodeName(ObjectNode pod) {
    return pod.path("spec").path("nodeName").asText("");
  }
}
