package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.registry.Meta;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which PersistentVolume a claim binds to, as Kubernetes' binder chooses: one pre-bound to the
 * claim, else the smallest Available volume of the claim's class whose access modes, size, volume
 * mode and labels fit. Pure.
 */
final class VolumeMatching {
  private VolumeMatching() {}

  static Optional<ObjectNode> volumeFor(ObjectNode claim, Collection<ObjectNode> volumes) {
    String wanted = claim.path("spec").path("volumeName").asText("");
    for (ObjectNode pv : volumes) {
      JsonNode ref = pv.path("spec").path("claimRef");
      boolean preBound = ref.path("name").asText().equals(Meta.name(claim))
          && ref.path("namespace").asText().equals(Meta.namespace(claim))
          && (ref.path("uid").asText("").isEmpty() || ref.path("uid").asText().equals(Meta.uid(claim)));
      if (preBound && fits(claim, pv)) {
        return Optional.of(pv);
      }
      if (!wanted.isEmpty() && Meta.name(pv).equals(wanted) && ref.isMissingNode() && fits(claim, pv)) {
        return Optional.of(pv);
      }
    }
    if (!wanted.isEmpty()) {
      return Optional.empty();
    }
    return volumes.stream()
        .filter(pv -> pv.path("spec").path("claimRef").isMissingNode())
        .filter(pv -> !Meta.isDeleting(pv) && pv.path("status").path("phase").asText("Available").matches("Available|Pending"))
        .filter(pv -> fits(claim, pv))
        .min(Comparator.comparing((ObjectNode pv) -> capacity(pv)).thenComparing(Meta::name));
  }

  static boolean fits(ObjectNode claim, ObjectNode pv) {
    JsonNode cs = claim.path("spec");
    JsonNode ps = pv.path("spec");
    if (!cs.path("storageClassName").asText("").equals(ps.path("storageClassName").asText(""))) {
      return false;
    }
    if (!cs.path("volumeMode").asText("Filesystem").equals(ps.path("volumeMode").asText("Filesystem"))) {
      return false;
    }
    Set<String> modes = new HashSet<>();
    ps.path("accessModes").forEach(m -> modes.add(m.asText()));
    for (JsonNode m : cs.path("accessModes")) {
      if (!modes.contains(m.asText())) {
        return false;
      }
    }
    if (capacity(pv).compareTo(amount(cs.path("resources").path("requests").path("storage").asText("0"))) < 0) {
      return false;
    }
    JsonNode selector = cs.path("selector");
    if (selector.isObject() && !selector.isEmpty()) {
      LabelSelector s = LabelSelector.fromSelector(Json.convert(selector, io.fabric8.kubernetes.api.model.LabelSelector.class));
      return s.matches(Meta.labels(pv));
    }
    return true;
  }

  static BigDecimal capacity(ObjectNode pv) {
    return amount(pv.path("spec").path("capacity").path("storage").asText("0"));
  }

  static BigDecimal amount(String q) {
    try {
      return Quantity.getAmountInBytes(new Quantity(q));
    } catch (RuntimeException e) {
      return BigDecimal.ZERO;
    }
  }
}
