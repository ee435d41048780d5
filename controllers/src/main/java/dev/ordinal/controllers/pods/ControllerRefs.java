package dev.ordinal.controllers.pods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Controller references, and which objects an owner claims, as Kubernetes'
 * {@code PodControllerRefManager} decides it: an owned object that matches the selector is kept;
 * an owned object that no longer matches is released; an orphan that matches is adopted unless
 * the owner is being deleted. Objects controlled by someone else, or terminating orphans, are left
 * alone. Pure.
 */
public final class ControllerRefs {
  private ControllerRefs() {}

  /** What an owner's claim on the candidates comes to. */
  public record Claim(List<ObjectNode> owned, List<ObjectNode> adopt, List<ObjectNode> release) {
    /** Owned now and to be adopted: what the owner counts as its own. */
    public List<ObjectNode> claimed() {
      List<ObjectNode> out = new ArrayList<>(owned);
      out.addAll(adopt);
      return out;
    }
  }

  /** The controller reference an owner puts on what it creates or adopts. */
  public static ObjectNode ownerReference(ObjectNode owner) {
    ObjectNode ref = Json.object();
    ref.put("apiVersion", owner.path("apiVersion").asText()).put("kind", owner.path("kind").asText());
    ref.put("name", Meta.name(owner)).put("uid", Meta.uid(owner));
    ref.put("controller", true).put("blockOwnerDeletion", true);
    return ref;
  }

  /** The controller reference of an object, or null. */
  public static ObjectNode controllerOf(ObjectNode obj) {
    for (ObjectNode ref : Meta.ownerReferences(obj)) {
      if (ref.path("controller").asBoolean(false)) {
        return ref;
      }
    }
    return null;
  }

  /** Whether {@code obj} is controlled by the object with this uid. */
  public static boolean isControlledBy(ObjectNode obj, String ownerUid) {
    ObjectNode ref = controllerOf(obj);
    return ref != null && ref.path("uid").asText().equals(ownerUid);
  }

  /**
   * Sorts the candidates (objects of the owner's namespace) into kept, adopted and released.
   *
   * @param selector the owner's selector; an empty selector claims nothing (upstream refuses to
   *     adopt with one, and validation forbids it)
   */
  public static Claim claim(ObjectNode owner, LabelSelector selector, Collection<ObjectNode> candidates) {
    List<ObjectNode> owned = new ArrayList<>();
    List<ObjectNode> adopt = new ArrayList<>();
    List<ObjectNode> release = new ArrayList<>();
    String uid = Meta.uid(owner);
    boolean ownerDeleting = Meta.isDeleting(owner);
    for (ObjectNode obj : candidates) {
      ObjectNode ref = controllerOf(obj);
      boolean matches = !selector.isEmpty() && selector.matches(Meta.labels(obj));
      if (ref != null) {
        if (!ref.path("uid").asText().equals(uid)) {
          continue;
        }
        if (matches) {
          owned.add(obj);
        } else if (!ownerDeleting) {
          release.add(obj);
        }
      } else if (matches && !ownerDeleting && !Meta.isDeleting(obj)) {
        adopt.add(obj);
      }
    }
    return new Claim(owned, adopt, release);
  }

  /** A copy of {@code obj} with its controller reference replaced by {@code ref} (null: released). */
  public static ObjectNode withController(ObjectNode obj, ObjectNode ref) {
    ObjectNode updated = obj.deepCopy();
    var refs = Meta.of(updated).putArray("ownerReferences");
    for (ObjectNode r : Meta.ownerReferences(obj)) {
      if (!r.path("controller").asBoolean(false)) {
        refs.add(r);
      }
    }
    if (ref != null) {
      refs.add(ref);
    }
    if (refs.isEmpty()) {
      Meta.of(updated).remove("ownerReferences");
    }
    return updated;
  }
}
