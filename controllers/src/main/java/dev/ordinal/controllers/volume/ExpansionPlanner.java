package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a claim's volume is to grow, as upstream's expand controller and external-resizer decide
 * (pure): a bound claim whose storage request is above its capacity grows to the request when its
 * class allows volume expansion and the volume is this provisioner's; a claim of a class that does
 * not allow it gets a warning (the API's resize admission refuses most such edits before).
 */
public final class ExpansionPlanner {
  /** What to do with one claim. */
  public enum Step { NONE, REFUSE, EXPAND }

  /** The decision: the step, the size to grow to (the request as written), and why (events). */
  public record Plan(Step step, String size, long bytes, String message) {
    static Plan none() {
      return new Plan(Step.NONE, "", 0, "");
    }
  }

  private ExpansionPlanner() {}

  /**
   * @param claim the claim
   * @param pv its bound volume, null when there is none (yet)
   * @param storageClass the claim's class, null when it has none or it is gone
   */
  public static Plan plan(JsonNode claim, JsonNode pv, JsonNode storageClass) {
    if (pv == null || !claim.path("status").path("phase").asText("").equals("Bound")
        || claim.path("metadata").has("deletionTimestamp")) {
      return Plan.none();
    }
    String requested = claim.path("spec").path("resources").path("requests").path("storage").asText("");
    String capacity = claim.path("status").path("capacity").path("storage")
        .asText(pv.path("spec").path("capacity").path("storage").asText(""));
    if (requested.isEmpty() || capacity.isEmpty()) {
      return Plan.none();
    }
    long want;
    long have;
    try {
      want = Quantities.bytes(requested);
      have = Quantities.bytes(capacity);
    } catch (RuntimeException e) {
      return Plan.none(); // validation keeps these well-formed; a bad one is not this controller's to judge
    }
    if (want <= have) {
      return Plan.none();
    }
    String pvName = pv.path("metadata").path("name").asText();
    if (storageClass == null || !storageClass.path("allowVolumeExpansion").asBoolean(false)) {
      return new Plan(Step.REFUSE, requested, want, "Ignoring the PVC: didn't find a plugin capable of expanding the volume; "
          + "waiting for an external controller to process this PVC.");
    }
    if (!DefaultStorageClass.PROVISIONER.equals(pv.path("metadata").path("annotations")
        .path(LocalPathProvisioner.PROVISIONED_BY).asText(""))) {
      return new Plan(Step.REFUSE, requested, want, "Ignoring the PVC: volume " + pvName + " was not provisioned by "
          + DefaultStorageClass.PROVISIONER + ", which cannot expand it.");
    }
    return new Plan(Step.EXPAND, requested, want, "External resizer is resizing volume " + pvName);
  }
}
