package dev.ordinal.apiserver.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.policy.DisruptionBudgets;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.registry.Subresource;
import dev.ordinal.apiserver.registry.WriteOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The pods/eviction subresource, as upstream's EvictionREST: a pod is deleted only if the one
 * PodDisruptionBudget covering it allows a disruption, which is then taken from the budget
 * ({@code disruptionsAllowed - 1} and the pod in {@code disruptedPods}, written with the budget's
 * resourceVersion so that two evictions cannot spend the same disruption). Pods that are Pending,
 * finished or already terminating are deleted without a look at budgets; pods that are not Ready
 * go when the budget's unhealthyPodEvictionPolicy or its health allows it.
 */
public final class PodEviction {
  /** Upstream's MaxDisruptedPodSize: more unconfirmed evictions than this and the budget refuses. */
  static final int MAX_DISRUPTED_PODS = 2000;
  static final String VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget.";
  private static final int RETRIES = 20;

  private final ResourceStore pods;
  private final ResourceStore budgets;
  private final Clock clock;

  public PodEviction(Registry registry, Clock clock) {
    this.pods = registry.store(registry.catalog().byKind("v1", "Pod").orElseThrow());
    this.budgets = registry.store(registry.catalog().byKind("policy/v1", "PodDisruptionBudget").orElseThrow());
    this.clock = clock;
  }

  /**
   * Evicts pod {@code name}: deletes it as {@code eviction.deleteOptions} say, or refuses.
   *
   * @param eviction the policy/v1 or policy/v1beta1 Eviction body
   * @param dryRun the request's dryRun=All
   * @throws ApiException 400 for a body that is not an Eviction of this pod, 404 for a missing pod,
   *     429 when the budget allows no disruption now, 500 when several budgets cover the pod,
   *     409 when the client's own resourceVersion precondition fails
   */
  public void evict(String namespace, String name, ObjectNode eviction, boolean dryRun) {
    String gv = eviction.path("apiVersion").asText("");
    if (!eviction.path("kind").asText("").equals("Eviction") || !(gv.equals("policy/v1") || gv.equals("policy/v1beta1"))) {
      throw ApiException.badRequest("not a Eviction object: " + gv + ", Kind=" + eviction.path("kind").asText(""));
    }
    if (!eviction.path("metadata").path("name").asText("").equals(name)) {
      throw ApiException.badRequest("name in URL does not match name in Eviction object");
    }
    DeleteOptions original = deleteOptions(eviction.path("deleteOptions"), dryRun);

    // pods that cannot count towards a budget go at once
    ObjectNode pod = null;
    for (int attempt = 0; ; attempt++) {
      pod = pods.get(namespace, name);
      if (!canIgnoreBudgets(pod)) {
        break;
      }
      DeleteOptions opts = original;
      if (enforcesResourceVersion(pod) && original.preconditionResourceVersion() == null) {
        opts = withResourceVersion(original, Meta.resourceVersion(pod));
      }
      try {
        markAndDelete(namespace, name, opts);
        return;
      } catch (ApiException e) {
        if (e.code() != 409 || original.preconditionResourceVersion() != null || attempt >= RETRIES) {
          throw e;
        }
      }
    }

    List<ObjectNode> covering = new ArrayList<>();
    for (ObjectNode pdb : budgets.list(namespace, ListOptions.ALL).items()) {
      if (DisruptionBudgets.selects(pdb, pod)) {
        covering.add(pdb);
      }
    }
    if (covering.size() > 1) {
      throw new ApiException(500, "",
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", null);
    }
    String budgetName = covering.isEmpty() ? "" : Meta.name(covering.getFirst());
    boolean pinPod = false;
    if (!covering.isEmpty()) {
      ObjectNode pdb = covering.getFirst();
      if (!DisruptionBudgets.isReady(pod) && unhealthyMayGo(pdb, pod)) {
        // an unready pod does not count as healthy: removing it spends no disruption, as long
        // as it does not become ready meanwhile (hence the resourceVersion precondition below)
        pinPod = true;
      } else {
        takeDisruption(pdb, name, original.dryRun());
      }
    }
    DeleteOptions opts = pinPod ? withResourceVersion(original, Meta.resourceVersion(pod)) : original;
    try {
      markAndDelete(namespace, name, opts);
    } catch (ApiException e) {
      if (e.code() == 409 && pinPod && original.preconditionResourceVersion() == null) {
        throw stillProcessing(budgetName);
      }
      throw e;
    }
  }

  /** Pending, Succeeded and Failed pods, and pods being deleted, are evicted without budgets. */
  static boolean canIgnoreBudgets(ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending") || DisruptionBudgets.isTerminating(pod);
  }

  private static boolean enforcesResourceVersion(ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return !(phase.equals("Succeeded") || phase.equals("Failed") || DisruptionBudgets.isTerminating(pod));
  }

  /**
   * An unready pod may go under AlwaysAllow, or under IfHealthyBudget while the budget is met.
   *
   * <p>Upstream reads "met" from the budget's status alone. That status lags the pods: when a
   * quorum service loses its leader to an eviction, the other members turn unready together while
   * the status still says the budget is met, and a drain retrying every 5 s would take them for
   * free (seen on the ZooKeeper example: the ensemble lost its quorum). So the healthy pods are
   * also counted live, as the disruption controller counts them (Ready, not being deleted, not
   * awaiting an eviction in {@code disruptedPods}), without the pod asked for.
   */
  private boolean unhealthyMayGo(ObjectNode pdb, ObjectNode pod) {
    if (pdb.path("spec").path("unhealthyPodEvictionPolicy").asText("").equals("AlwaysAllow")) {
      return true;
    }
    long current = pdb.path("status").path("currentHealthy").asLong(0);
    long desired = pdb.path("status").path("desiredHealthy").asLong(0);
    return current >= desired && desired > 0 && liveHealthyOthers(pdb, pod) >= desired;
  }

  private long liveHealthyOthers(ObjectNode pdb, ObjectNode pod) {
    JsonNode disrupted = pdb.path("status").path("disruptedPods");
    long healthy = 0;
    for (ObjectNode other : pods.list(Meta.namespace(pod), ListOptions.ALL).items()) {
      if (!Meta.name(other).equals(Meta.name(pod)) && DisruptionBudgets.selects(pdb, other)
          && DisruptionBudgets.isReady(other) && !DisruptionBudgets.isTerminating(other) && !disrupted.has(Meta.name(other))) {
        healthy++;
      }
    }
    return healthy;
  }

  /** checkAndDecrement, retried with a fresh budget when another writer got there first. */
  private void takeDisruption(ObjectNode pdb, String podName, boolean dryRun) {
    for (int attempt = 0; ; attempt++) {
      try {
        checkAndDecrement(pdb, podName, dryRun);
        return;
      } catch (ApiException e) {
        if (e.code() != 409 || attempt >= RETRIES) {
          if (e.code() == 409) {
            throw ApiException.timeout("couldn't update PodDisruptionBudget \"" + Meta.name(pdb) + "\" due to conflicts");
          }
          throw e;
        }
        pdb = budgets.get(Meta.namespace(pdb), Meta.name(pdb));
      }
    }
  }

  private void checkAndDecrement(ObjectNode pdb, String podName, boolean dryRun) {
    JsonNode status = pdb.path("status");
    String name = Meta.name(pdb);
    if (status.path("observedGeneration").asLong(0) < pdb.path("metadata").path("generation").asLong(0)) {
      throw stillProcessing(name);
    }
    long allowed = status.path("disruptionsAllowed").asLong(0);
    if (allowed < 0) {
      throw forbidden(name, "pdb disruptions allowed is negative");
    }
    if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
      throw forbidden(name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
    }
    if (allowed == 0) {
      throw tooManyRequests(0, "The disruption budget " + name + " needs " + status.path("desiredHealthy").asLong(0)
          + " healthy pods and has " + status.path("currentHealthy").asLong(0) + " currently");
    }
    if (dryRun) {
      return;
    }
    ObjectNode updated = pdb.deepCopy();
    ObjectNode s = updated.with("status");
    s.put("disruptionsAllowed", allowed - 1);
    if (allowed - 1 == 0) {
      DisruptionBudgets.updateDisruptionAllowedCondition(s, clock.instant());
    }
    s.with("disruptedPods").put(podName, Meta.timestamp(clock.instant()));
    // the body's resourceVersion is the precondition: a concurrent eviction makes this a 409
    budgets.update(Meta.namespace(pdb), name, updated, Subresource.STATUS, WriteOptions.DEFAULT);
  }

  /**
   * Marks the pod with the DisruptionTarget condition (EvictionByEvictionAPI), then deletes it;
   * the preconditions are checked against the pod before the mark.
   */
  private void markAndDelete(String namespace, String name, DeleteOptions options) {
    DeleteOptions opts = options;
    if (!options.dryRun()) {
      String uid = options.preconditionUid();
      ObjectNode marked = pods.guaranteedUpdate(namespace, name, Subresource.STATUS, WriteOptions.DEFAULT,
          options.preconditionResourceVersion() == null ? "" : options.preconditionResourceVersion(), pod -> {
            if (uid != null && !uid.isEmpty() && !uid.equals(Meta.uid(pod))) {
              throw ApiException.conflict(pods.type(), name, "the UID in the precondition (" + uid
                  + ") does not match the UID in record (" + Meta.uid(pod) + "). The object might have been deleted and then recreated");
            }
            PodConditions.setDisruptionTarget(pod, clock.instant());
            return pod;
          });
      if (options.preconditionResourceVersion() != null) {
        opts = withResourceVersion(options, Meta.resourceVersion(marked));
      }
    }
    pods.delete(namespace, name, opts);
  }

  static DeleteOptions deleteOptions(JsonNode d, boolean dryRun) {
    Long grace = d.hasNonNull("gracePeriodSeconds") ? d.get("gracePeriodSeconds").asLong() : null;
    String policy = d.hasNonNull("propagationPolicy") ? d.get("propagationPolicy").asText() : null;
    if (d.path("orphanDependents").isBoolean() && d.get("orphanDependents").asBoolean()) {
      policy = "Orphan";
    }
    JsonNode pre = d.path("preconditions");
    String uid = pre.hasNonNull("uid") ? pre.get("uid").asText() : null;
    String rv = pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null;
    boolean bodyDryRun = d.path("dryRun").isArray() && !d.path("dryRun").isEmpty();
    return new DeleteOptions(grace, policy, uid, rv, dryRun || bodyDryRun);
  }

  private static DeleteOptions withResourceVersion(DeleteOptions o, String rv) {
    return new DeleteOptions(o.gracePeriodSeconds(), o.propagationPolicy(), o.preconditionUid(), rv, o.dryRun());
  }

  /** 429 with a DisruptionBudget cause, as errors.NewTooManyRequests builds it. */
  static ApiException tooManyRequests(int retryAfterSeconds, String cause) {
    ObjectNode details = Json.object();
    details.putArray("causes").addObject().put("reason", "DisruptionBudget").put("message", cause);
    if (retryAfterSeconds > 0) {
      details.put("retryAfterSeconds", retryAfterSeconds);
    }
    return new ApiException(429, "TooManyRequests", VIOLATES, details);
  }

  private static ApiException stillProcessing(String budget) {
    return tooManyRequests(10, "The disruption budget " + budget + " is still being processed by the server.");
  }

  private static ApiException forbidden(String budget, String why) {
    ObjectNode details = Json.object();
    details.put("name", budget).put("group", "policy").put("kind", "poddisruptionbudget");
    return new ApiException(403, "Forbidden", "poddisruptionbudget.policy \"" + budget + "\" is forbidden: " + why, details);
  }
}
