package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Beyond upstream: a StatefulSet whose claim template's storage request grew grows its existing
 * claims to match (pure). Ordinal by ordinal, as a rolling update goes: per template, the claim of
 * the lowest ordinal still asking for less is raised, and the next one only once the volume before
 * it reports the new capacity — so a growth that fails stops at the first replica it hurts.
 */
final class ClaimGrowthPlanner {
  /** Raise the storage request of claim {@code claim} (of replica {@code pod}) to {@code size}. */
  record Resize(String claim, String pod, String size) {}

  private ClaimGrowthPlanner() {}

  static List<Resize> plan(ObjectNode set, Map<String, ObjectNode> claims) {
    List<Resize> out = new ArrayList<>();
    String setName = Meta.name(set);
    for (JsonNode template : set.path("spec").path("volumeClaimTemplates")) {
      String size = template.path("spec").path("resources").path("requests").path("storage").asText("");
      BigDecimal want = bytes(size);
      if (want == null) {
        continue;
      }
      String prefix = template.path("metadata").path("name").asText() + "-" + setName + "-";
      TreeMap<Integer, ObjectNode> byOrdinal = new TreeMap<>();
      claims.forEach((name, claim) -> {
        if (name.startsWith(prefix) && isOrdinal(name, prefix.length()) && !Meta.isDeleting(claim)) {
          byOrdinal.put(Integer.parseInt(name.substring(prefix.length())), claim);
        }
      });
      for (var e : byOrdinal.entrySet()) {
        ObjectNode claim = e.getValue();
        // every pass asks this of every claim: the template's own text needs no parsing
        String requestedText = claim.path("spec").path("resources").path("requests").path("storage").asText("");
        BigDecimal requested = requestedText.equals(size) ? want : bytes(requestedText);
        if (requested != null && requested.compareTo(want) < 0) {
          out.add(new Resize(Meta.name(claim), StatefulSetIdentity.podName(setName, e.getKey()), size));
          break;
        }
        boolean bound = claim.path("status").path("phase").asText("").equals("Bound");
        String capacityText = claim.path("status").path("capacity").path("storage").asText("");
        BigDecimal capacity = !bound || capacityText.equals(size) ? want : bytes(capacityText);
        if (bound && (capacity == null || capacity.compareTo(want) < 0)) {
          break; // this replica's volume is still growing: the next waits
        }
      }
    }
    return out;
  }

  private static boolean isOrdinal(String name, int from) {
    if (from >= name.length()) {
      return false;
    }
    for (int i = from; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static BigDecimal bytes(String quantity) {
    if (quantity.isEmpty()) {
      return null;
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(quantity));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
