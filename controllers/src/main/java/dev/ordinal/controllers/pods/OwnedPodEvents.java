package dev.ordinal.controllers.pods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;

/**
 * Upstream's addPod/updatePod/deletePod for a controller that owns pods through controller
 * references and selectors (ReplicaSet, DaemonSet, Job): a pod's change is observed against its
 * owner's expectations and wakes that owner, the owner it had before, and — for an orphan or a
 * relabelled pod — every owner whose selector now matches it (a chance to adopt).
 */
public final class OwnedPodEvents {
  private final String kind;
  private final String apiVersion;
  private final Expectations expectations;
  private final WorkQueue<String> queue;
  private final Function<String, Collection<ObjectNode>> ownersInNamespace;
  private final Function<ObjectNode, LabelSelector> selector;

  public OwnedPodEvents(String kind, String apiVersion, Expectations expectations, WorkQueue<String> queue,
      Function<String, Collection<ObjectNode>> ownersInNamespace, Function<ObjectNode, LabelSelector> selector) {
    this.kind = kind;
    this.apiVersion = apiVersion;
    this.expectations = expectations;
    this.queue = queue;
    this.ownersInNamespace = ownersInNamespace;
    this.selector = selector;
  }

  /** The queue key of the object's controller if it is of this kind, else null. */
  public String ownerKey(ObjectNode obj) {
    ObjectNode ref = ControllerRefs.controllerOf(obj);
    if (ref == null || !ref.path("kind").asText().equals(kind) || !ref.path("apiVersion").asText().equals(apiVersion)) {
      return null;
    }
    return Informer.key(Meta.namespace(obj), ref.path("name").asText());
  }

  /** An informer's change handler for pods. */
  public void podChanged(ObjectNode old, ObjectNode pod, boolean deleted) {
    String owner = ownerKey(pod);
    if (owner != null) {
      if (deleted || Meta.isDeleting(pod)) {
        expectations.deletionObserved(owner, Informer.key(pod));
      } else if (old == null) {
        expectations.creationObserved(owner);
      }
      queue.add(owner);
    }
    String oldOwner = old == null ? null : ownerKey(old);
    if (oldOwner != null && !oldOwner.equals(owner)) {
      queue.add(oldOwner);
    }
    boolean relabelled = old != null && !Objects.equals(Meta.labels(old), Meta.labels(pod));
    if (!deleted && (owner == null || relabelled)) {
      for (ObjectNode o : ownersInNamespace.apply(Meta.namespace(pod))) {
        if (selector.apply(o).matches(Meta.labels(pod))) {
          queue.add(Informer.key(o));
        }
      }
    }
  }
}
