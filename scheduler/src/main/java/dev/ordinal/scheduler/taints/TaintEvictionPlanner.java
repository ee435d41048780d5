package dev.ordinal.scheduler.taints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the taint manager does with a pod bound to a node with NoExecute taints, as upstream's
 * taint-eviction controller: a pod that does not tolerate every NoExecute taint is evicted at
 * once; one that tolerates them all for a while (the least {@code tolerationSeconds} of the
 * tolerations used, each taint using the first toleration that matches it) is evicted when that
 * time has passed since the manager first saw it so; one that tolerates them forever stays. Pure.
 */
public final class TaintEvictionPlanner {
  private TaintEvictionPlanner() {}

  /** The plan for one pod. */
  public sealed interface Plan {
    /** Nothing to do; forget any eviction planned for the pod. */
    record Stay() implements Plan {}

    /** Delete the pod now. */
    record Evict() implements Plan {}

    /** Delete the pod after the delay, unless its taints or tolerations change first. */
    record EvictLater(Duration delay) implements Plan {}
  }

  /**
   * The plan for a pod on a node.
   *
   * @param since when the manager first saw the pod under NoExecute taints it tolerates for a
   *     limited time (null: now is the first time)
   */
  public static Plan plan(ObjectNode pod, ObjectNode node, Instant since, Instant now) {
    if (Meta.isDeleting(pod)) {
      return new Plan.Stay();
    }
    Optional<Duration> tolerated = tolerationTime(Tolerations.withEffect(node.path("spec").path("taints"), "NoExecute"),
        pod.path("spec").path("tolerations"));
    if (tolerated.isEmpty()) {
      return new Plan.Stay();
    }
    Duration left = Duration.between(now, (since == null ? now : since).plus(tolerated.get()));
    return left.isNegative() || left.isZero() ? new Plan.Evict() : new Plan.EvictLater(left);
  }

  /**
   * How long the tolerations tolerate all the NoExecute taints: empty for ever, zero when some
   * taint is not tolerated (or a used toleration's seconds are zero or less).
   */
  public static Optional<Duration> tolerationTime(List<JsonNode> noExecuteTaints, JsonNode tolerations) {
    long least = Long.MAX_VALUE;
    for (JsonNode taint : noExecuteTaints) {
      JsonNode used = null;
      for (JsonNode t : tolerations) {
        if (Tolerations.tolerates(t, taint)) {
          used = t;
          break;
        }
      }
      if (used == null) {
        return Optional.of(Duration.ZERO);
      }
      JsonNode seconds = used.path("tolerationSeconds");
      if (seconds.isNumber()) {
        least = Math.min(least, Math.max(0, seconds.asLong()));
      }
    }
    return least == Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofSeconds(least));
  }
}
