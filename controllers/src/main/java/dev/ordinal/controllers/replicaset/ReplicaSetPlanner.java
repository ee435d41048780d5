package dev.ordinal.controllers.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.controllers.pods.ScaleDownOrder;
import java.time.Instant;
import java.util.List;

/**
 * Decides how a ReplicaSet (or ReplicationController) reaches its replica count, as upstream's
 * {@code manageReplicas}: too few active pods → create the difference; too many → delete the
 * surplus, those first that {@link ScaleDownOrder} puts first. At most {@link #BURST} pods per
 * pass, as upstream's burstReplicas. Pure.
 */
public final class ReplicaSetPlanner {
  public static final int BURST = 500;

  private ReplicaSetPlanner() {}

  /** What one pass does: create {@code create} pods, delete {@code delete}. */
  public record Plan(int create, List<ObjectNode> delete) {
    public boolean isEmpty() {
      return create == 0 && delete.isEmpty();
    }
  }

  /**
   * @param owner the ReplicaSet
   * @param active its claimed pods that are neither finished nor terminating
   */
  public static Plan plan(ObjectNode owner, List<ObjectNode> active, Instant now) {
    int desired = owner.path("spec").path("replicas").asInt(1);
    int diff = active.size() - desired;
    if (diff < 0) {
      return new Plan(Math.min(-diff, BURST), List.of());
    }
    if (diff > 0) {
      return new Plan(0, ScaleDownOrder.toDelete(active, Math.min(diff, BURST), now));
    }
    return new Plan(0, List.of());
  }
}
