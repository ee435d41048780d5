package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A write to {@code pods/resize}, checked as upstream 1.33's ValidatePodResize (the pod's own
 * create validation aside, which the strategy adds): no pod-level resources, no static or Windows
 * pod, the same QoS class, a node that reports container resources, no request or limit removed, a
 * memory limit lowered or added only where the container's memory resizePolicy is
 * RestartContainer, and nothing changed but the cpu and memory of the app containers and of the
 * sidecars (restartable init containers). Pure; public because the StatefulSet's in-place
 * planner asks it whether a template's new resources can be had by resizing.
 */
public final class PodResizeValidation {
  static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
  private static final String ONLY_CPU_MEMORY = "only cpu and memory resources are mutable";

  private PodResizeValidation() {}

  /** Upstream's errors for resizing {@code old} into {@code pod} (both whole pods, the status the old one's). */
  public static List<FieldError> validate(JsonNode pod, JsonNode old) {
    JsonNode spec = pod.path("spec");
    JsonNode oldSpec = old.path("spec");
    if (hasPodLevelResources(spec) || hasPodLevelResources(oldSpec)) {
      return List.of(FieldError.forbidden("", "pods with pod-level resources cannot be resized"));
    }
    if (old.path("metadata").path("annotations").has(MIRROR_ANNOTATION)) {
      return List.of(FieldError.forbidden("", "static pods cannot be resized"));
    }
    if (oldSpec.path("os").path("name").asText("").equals("windows")) {
      return List.of(FieldError.forbidden("", "windows pods cannot be resized"));
    }
    List<FieldError> errs = new ArrayList<>();
    String oldQos = old.path("status").path("qosClass").asText("");
    if (oldQos.isEmpty()) {
      oldQos = PodStrategy.qosClass(oldSpec);
    }
    if (!oldQos.equals(PodStrategy.qosClass(spec))) {
      // upstream names the (unchanged, copied) status' class as the value
      errs.add(FieldError.invalid("spec", pod.path("status").path("qosClass").asText(oldQos),
          "Pod QOS Class may not change as a result of resizing"));
    }
    if (!resizeSupported(old)) {
      errs.add(FieldError.forbidden("spec", "Pod running on node without support for resize"));
    }
    if (!sameContainers(spec.path("containers"), oldSpec.path("containers"))
        || !sameContainers(spec.path("initContainers"), oldSpec.path("initContainers"))) {
      // containers added, removed, renamed or reordered: the strategy kept the write as sent
      errs.add(FieldError.forbidden("spec", ONLY_CPU_MEMORY));
      return errs;
    }
    JsonNode oldInit = oldSpec.path("initContainers");
    for (int i = 0; i < oldInit.size(); i++) {
      if (isSidecar(oldInit.get(i))) {
        errs.addAll(containerResize(spec.path("initContainers").get(i), oldInit.get(i), "spec.initContainers[" + i + "].resources"));
      }
    }
    JsonNode oldApps = oldSpec.path("containers");
    for (int i = 0; i < oldApps.size(); i++) {
      errs.addAll(containerResize(spec.path("containers").get(i), oldApps.get(i), "spec.containers[" + i + "].resources"));
    }
    for (int i = 0; i < oldApps.size(); i++) {
      if (!withOldCpuMemory(spec.path("containers").get(i), oldApps.get(i)).equals(oldApps.get(i))) {
        errs.add(FieldError.forbidden("spec", ONLY_CPU_MEMORY));
      }
    }
    for (int i = 0; i < oldInit.size(); i++) {
      JsonNode c = spec.path("initContainers").get(i);
      if (isSidecar(oldInit.get(i))) {
        if (!withOldCpuMemory(c, oldInit.get(i)).equals(oldInit.get(i))) {
          errs.add(FieldError.forbidden("spec", "only cpu and memory resources for sidecar containers are mutable"));
        }
      } else if (!c.equals(oldInit.get(i))) {
        errs.add(FieldError.forbidden("spec", "resources for non-sidecar init containers are immutable"));
      }
    }
    if (!errs.isEmpty()) {
      return errs;
    }
    if (!withoutContainers(spec).equals(withoutContainers(oldSpec))) {
      errs.add(FieldError.forbidden("spec", ONLY_CPU_MEMORY));
    }
    return errs;
  }

  /**
   * Whether {@code to}'s containers' resources can be had from {@code from}'s by a resize alone
   * (the specs otherwise equal): for the StatefulSet planner, which falls back to recreating a pod
   * otherwise. The QoS class is computed from the specs.
   */
  public static boolean resizable(JsonNode fromSpec, JsonNode toSpec) {
    ObjectNode oldPod = dev.ordinal.api.Json.object();
    oldPod.set("spec", fromSpec);
    ObjectNode newPod = dev.ordinal.api.Json.object();
    newPod.set("spec", toSpec);
    return validate(newPod, oldPod).isEmpty();
  }

  /** The errors of one container's new requirements (upstream's validateContainerResize). */
  private static List<FieldError> containerResize(JsonNode c, JsonNode old, String path) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode req = c.path("resources").path("requests");
    JsonNode lim = c.path("resources").path("limits");
    JsonNode oldReq = old.path("resources").path("requests");
    JsonNode oldLim = old.path("resources").path("limits");
    if (removed(req, oldReq)) {
      errs.add(FieldError.forbidden(path + ".requests", "resource requests cannot be removed"));
    }
    if (removed(lim, oldLim)) {
      errs.add(FieldError.forbidden(path + ".limits", "resource limits cannot be removed"));
    }
    String memoryPolicy = "";
    for (JsonNode p : c.path("resizePolicy")) {
      if (p.path("resourceName").asText().equals("memory")) {
        memoryPolicy = p.path("restartPolicy").asText("");
        break;
      }
    }
    if (memoryPolicy.isEmpty() || memoryPolicy.equals("NotRequired")) {
      if (lim.has("memory") && oldLim.has("memory")) {
        if (amount(lim.path("memory")).compareTo(amount(oldLim.path("memory"))) < 0) {
          errs.add(FieldError.forbidden(path + ".limits[memory]", "memory limits cannot be decreased unless resizePolicy is RestartContainer"));
        }
      } else if (lim.has("memory")) {
        // a limit where there was none lowers it from "max"
        errs.add(FieldError.forbidden(path + ".limits[memory]", "memory limits cannot be added unless resizePolicy is RestartContainer"));
      }
    }
    return errs;
  }

  private static boolean removed(JsonNode list, JsonNode old) {
    for (Iterator<String> it = old.fieldNames(); it.hasNext(); ) {
      if (!list.has(it.next())) {
        return true;
      }
    }
    return false;
  }

  /** A quantity's amount; an unparsable one (the create validation names it) as zero. */
  static BigDecimal amount(JsonNode q) {
    try {
      return Quantity.getAmountInBytes(new Quantity(q.asText()));
    } catch (RuntimeException e) {
      return BigDecimal.ZERO;
    }
  }

  /**
   * The container with its cpu and memory put back as they were (upstream's
   * dropCPUMemoryResourcesFromContainer): a list the old container did not have goes entirely.
   */
  private static JsonNode withOldCpuMemory(JsonNode c, JsonNode old) {
    ObjectNode out = ((ObjectNode) c).deepCopy();
    ObjectNode resources = c.path("resources") instanceof ObjectNode r ? r.deepCopy() : dev.ordinal.api.Json.object();
    resources.remove(List.of("limits", "requests"));
    for (String list : List.of("limits", "requests")) {
      JsonNode oldList = old.path("resources").path(list);
      if (!oldList.isObject()) {
        continue;
      }
      ObjectNode munged = c.path("resources").path(list) instanceof ObjectNode o ? o.deepCopy() : dev.ordinal.api.Json.object();
      munged.remove(List.of("cpu", "memory"));
      for (String r : List.of("cpu", "memory")) {
        if (oldList.has(r)) {
          munged.set(r, oldList.get(r));
        }
      }
      resources.set(list, munged);
    }
    if (old.has("resources") || !resources.isEmpty()) {
      out.set("resources", resources);
    } else {
      out.remove("resources");
    }
    return out;
  }

  private static boolean sameContainers(JsonNode list, JsonNode old) {
    if (list.size() != old.size()) {
      return false;
    }
    for (int i = 0; i < list.size(); i++) {
      if (!list.get(i).path("name").asText().equals(old.get(i).path("name").asText())) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode withoutContainers(JsonNode spec) {
    ObjectNode s = spec instanceof ObjectNode o ? o.deepCopy() : dev.ordinal.api.Json.object();
    s.remove(List.of("containers", "initContainers"));
    return s;
  }

  private static boolean hasPodLevelResources(JsonNode spec) {
    JsonNode r = spec.path("resources");
    return r.path("requests").size() + r.path("limits").size() > 0;
  }

  static boolean isSidecar(JsonNode init) {
    return init.path("restartPolicy").asText("").equals("Always");
  }

  /**
   * Upstream's version-skew check: a pod whose first running container reports no resources runs
   * on a node that cannot resize; a pod with none running is taken to be able to.
   */
  private static boolean resizeSupported(JsonNode pod) {
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      if (s.path("state").has("running")) {
        return s.has("resources");
      }
    }
    return true;
  }
}
