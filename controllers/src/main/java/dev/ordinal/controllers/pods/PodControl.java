package dev.ordinal.controllers.pods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.SlowStart;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writes of a pod-owning controller (ReplicaSet, later DaemonSet and Job): pods created in
 * slow-start batches and deleted with their uid as precondition, both recorded in the
 * {@link Expectations} first; adoption and release of pods; Events on the owner for each
 * (upstream's {@code SuccessfulCreate}, {@code FailedCreate}, {@code SuccessfulDelete}).
 */
public final class PodControl {
  private final Client client;
  private final EventRecorder events;
  private final Expectations expectations;

  public PodControl(Client client, EventRecorder events, Expectations expectations) {
    this.client = client;
    this.events = events;
    this.expectations = expectations;
  }

  /**
   * Creates {@code count} pods of {@code owner} from {@code template}, in rounds of 1, 2, 4, …
   * that stop at the first failing round; creations that never happen are taken off the
   * expectations so the owner is synced again at once.
   *
   * @return how many were created
   * @throws ApiException the first failure, after recording a FailedCreate event
   */
  public int createPods(String ownerKey, ObjectNode owner, ObjectNode template, int count) throws InterruptedException {
    List<ObjectNode> pods = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      pods.add(PodTemplates.newPod(owner, template));
    }
    return createPods(ownerKey, owner, pods);
  }

  /**
   * As {@link #createPods(String, ObjectNode, ObjectNode, int)}, for pods the caller made (from
   * {@link PodTemplates#newPod} and then adjusted: a DaemonSet's node, a Job's completion index).
   */
  public int createPods(String ownerKey, ObjectNode owner, List<ObjectNode> pods) throws InterruptedException {
    int count = pods.size();
    if (count == 0) {
      return 0;
    }
    expectations.expect(ownerKey, count, Set.of());
    AtomicInteger created = new AtomicInteger();
    try {
      SlowStart.run(pods, pod -> {
        try {
          ObjectNode made = client.create(Types.PODS, Meta.namespace(owner), pod);
          created.incrementAndGet();
          events.normal(owner, "SuccessfulCreate", "Created pod: " + Meta.name(made));
        } catch (ApiException e) {
          events.warning(owner, "FailedCreate", "Error creating: " + e.getMessage());
          throw e;
        }
      });
    } finally {
      for (int i = created.get(); i < count; i++) {
        expectations.creationObserved(ownerKey); // failed, or never tried after a failing round
      }
    }
    return created.get();
  }

  /**
   * Deletes the pods (uid precondition: a pod re-created under the same name is not touched).
   * A pod already gone counts as deleted.
   */
  public void deletePods(String ownerKey, ObjectNode owner, List<ObjectNode> pods) throws InterruptedException {
    if (pods.isEmpty()) {
      return;
    }
    Set<String> keys = new HashSet<>();
    pods.forEach(p -> keys.add(Informer.key(p)));
    expectations.expect(ownerKey, 0, keys);
    SlowStart.run(pods, pod -> {
      try {
        client.delete(Types.PODS, Meta.namespace(pod), Meta.name(pod), new DeleteOptions(null, null, Meta.uid(pod), null, false));
        events.normal(owner, "SuccessfulDelete", "Deleted pod: " + Meta.name(pod));
      } catch (ApiException e) {
        expectations.deletionObserved(ownerKey, Informer.key(pod));
        if (e.code() != 404 && e.code() != 409) {
          events.warning(owner, "FailedDelete", "Error deleting: " + e.getMessage());
          throw e;
        }
      }
    });
  }

  /**
   * Applies a claim: adopts its orphans and releases what no longer matches. A pod that changed
   * meanwhile (409) or went (404) is skipped; the next sync sees it anew.
   *
   * @return the claimed pods as written (adopted ones with their new reference)
   */
  public List<ObjectNode> applyClaim(ObjectNode owner, ControllerRefs.Claim claim) {
    List<ObjectNode> out = new java.util.ArrayList<>(claim.owned());
    for (ObjectNode pod : claim.adopt()) {
      try {
        out.add(client.update(Types.PODS, ControllerRefs.withController(pod, ControllerRefs.ownerReference(owner))));
      } catch (ApiException e) {
        if (e.code() != 409 && e.code() != 404) {
          throw e;
        }
      }
    }
    for (ObjectNode pod : claim.release()) {
      try {
        client.update(Types.PODS, ControllerRefs.withController(pod, null));
      } catch (ApiException e) {
        if (e.code() != 409 && e.code() != 404) {
          throw e;
        }
      }
    }
    return out;
  }
}
