package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.statefulset.StatefulSetAction.CreateClaim;
import dev.ordinal.controllers.statefulset.StatefulSetAction.CreatePod;
import dev.ordinal.controllers.statefulset.StatefulSetAction.DeletePod;
import dev.ordinal.controllers.statefulset.StatefulSetAction.InPlaceUpdatePod;
import dev.ordinal.controllers.statefulset.StatefulSetAction.RefuseUpdate;
import dev.ordinal.controllers.statefulset.StatefulSetAction.UpdateClaim;
import dev.ordinal.controllers.statefulset.StatefulSetAction.UpdatePod;

/**
 * Carries out the planner's actions through the API, with an Event on each pod created or deleted
 * (and on failure), as kubectl describe shows them. An AlreadyExists on create and a NotFound on
 * delete count as done: the write is idempotent.
 */
final class StatefulPodControl {
  private final Client client;
  private final EventRecorder events;

  StatefulPodControl(Client client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  void apply(ObjectNode set, StatefulSetAction action) {
    String ns = Meta.namespace(set);
    try {
      switch (action) {
        case CreateClaim c -> {
          client.create(Types.PERSISTENT_VOLUME_CLAIMS, ns, c.claim());
          events.normal(set, "SuccessfulCreate", "create Claim " + Meta.name(c.claim()) + " Pod "
              + podOfClaim(set, c.claim()) + " in StatefulSet " + Meta.name(set) + " success");
        }
        case CreatePod c -> {
          client.create(Types.PODS, ns, c.pod());
          events.normal(set, "SuccessfulCreate", "create Pod " + Meta.name(c.pod()) + " in StatefulSet " + Meta.name(set)
              + " successful");
        }
        case DeletePod d -> {
          client.delete(Types.PODS, ns, d.name(), new DeleteOptions(null, null, d.uid(), null, false));
          events.normal(set, "SuccessfulDelete", "delete Pod " + d.name() + " in StatefulSet " + Meta.name(set)
              + " successful (" + d.reason() + ")");
        }
        case UpdatePod u -> client.update(Types.PODS, u.pod());
        case UpdateClaim u -> client.update(Types.PERSISTENT_VOLUME_CLAIMS, u.claim());
        case InPlaceUpdatePod u -> {
          // an update with the read resourceVersion: a pod changed meanwhile is a 409, and a requeue
          ObjectNode next = u.pod();
          if (u.resize() != null) {
            // the resources first, through pods/resize: refused (422), the pod keeps its revision
            // label and the rollout reports the failure; the image and label update follows on
            // the resized pod's resourceVersion
            ObjectNode resized = client.resize(u.resize());
            next = next.deepCopy();
            Meta.of(next).put("resourceVersion", Meta.resourceVersion(resized));
          }
          client.update(Types.PODS, next);
          events.normal(set, "SuccessfulUpdate", "update Pod " + Meta.name(u.pod()) + " in StatefulSet " + Meta.name(set)
              + " in place successful (updating to revision " + u.revision() + ")");
        }
        case RefuseUpdate r -> events.warning(set, "InPlaceUpdateRefused", r.message());
      }
    } catch (ApiException e) {
      if ((e.code() == 409 && e.reason().equals("AlreadyExists")) || (e.code() == 404 && action instanceof DeletePod)) {
        return;
      }
      events.warning(set, failureReason(action), describe(action) + " in StatefulSet " + Meta.name(set) + " failed: " + e.getMessage());
      throw e;
    }
  }

  private static String podOfClaim(ObjectNode set, ObjectNode claim) {
    String name = Meta.name(claim);
    int ord = StatefulSetIdentity.ordinal(name);
    return StatefulSetIdentity.podName(Meta.name(set), ord);
  }

  private static String failureReason(StatefulSetAction a) {
    return switch (a) {
      case CreateClaim c -> "FailedCreate";
      case CreatePod c -> "FailedCreate";
      case DeletePod d -> "FailedDelete";
      case UpdatePod u -> "FailedUpdate";
      case UpdateClaim u -> "FailedUpdate";
      case InPlaceUpdatePod u -> "FailedUpdate";
      case RefuseUpdate r -> "InPlaceUpdateRefused";
    };
  }

  private static String describe(StatefulSetAction a) {
    return switch (a) {
      case CreateClaim c -> "create Claim ";
      case CreatePod c -> "create Pod ";
      case DeletePod d -> "delete Pod ";
      case UpdatePod u -> "update Pod ";
      case UpdateClaim u -> "update Claim ";
      case InPlaceUpdatePod u -> "update Pod ";
      case RefuseUpdate r -> "update Pod ";
    } + a.objectName();
  }
}
