package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which volumes a claim could bind to, kept from volume events so that binding a claim does not
 * walk every volume: the volumes whose claimRef names a claim, by that claim, and the volumes no
 * claim has. A volume claimed by another claim is never a candidate, so {@link VolumeMatching}
 * decides over these exactly as over all volumes.
 */
final class VolumeIndex {
  private final Map<String, Set<String>> byClaim = new HashMap<>();
  private final Set<String> unclaimed = new HashSet<>();

  synchronized void observe(ObjectNode old, ObjectNode current, boolean deleted) {
    if (old != null) {
      forget(old);
    }
    forget(current);
    if (deleted) {
      return;
    }
    JsonNode ref = current.path("spec").path("claimRef");
    if (ref.isMissingNode()) {
      unclaimed.add(Meta.name(current));
    } else {
      byClaim.computeIfAbsent(ref.path("namespace").asText() + "/" + ref.path("name").asText(), k -> new HashSet<>())
          .add(Meta.name(current));
    }
  }

  private void forget(ObjectNode pv) {
    unclaimed.remove(Meta.name(pv));
    JsonNode ref = pv.path("spec").path("claimRef");
    if (!ref.isMissingNode()) {
      String key = ref.path("namespace").asText() + "/" + ref.path("name").asText();
      Set<String> names = byClaim.get(key);
      if (names != null && names.remove(Meta.name(pv)) && names.isEmpty()) {
        byClaim.remove(key);
      }
    }
  }

  /** The volumes pre-bound to this claim, then every unclaimed one. */
  List<ObjectNode> candidatesFor(ObjectNode claim, Function<String, Optional<ObjectNode>> lookup) {
    List<String> names = new ArrayList<>();
    synchronized (this) {
      names.addAll(byClaim.getOrDefault(Meta.namespace(claim) + "/" + Meta.name(claim), Set.of()));
      names.addAll(unclaimed);
    }
    List<ObjectNode> out = new ArrayList<>();
    for (String n : names) {
      lookup.apply(n).ifPresent(out::add);
    }
    return out;
  }
}
