package dev.ordinal.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.pods.PodReadiness;
import dev.ordinal.controllers.pods.PodTemplates;
import java.time.Instant;

/** What the Job controller asks of and puts on its pods. Pure. */
final class JobPods {
  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
  static final String INDEX_ENV = "JOB_COMPLETION_INDEX";

  private JobPods() {}

  static boolean succeeded(ObjectNode pod) {
    return PodReadiness.phase(pod).equals("Succeeded");
  }

  static boolean failed(ObjectNode pod) {
    return PodReadiness.phase(pod).equals("Failed");
  }

  static boolean terminal(ObjectNode pod) {
    return succeeded(pod) || failed(pod);
  }

  /** Running or pending and not being deleted. */
  static boolean active(ObjectNode pod) {
    return !terminal(pod) && !Meta.isDeleting(pod);
  }

  /** Being deleted and not yet terminal (upstream's status.terminating). */
  static boolean terminating(ObjectNode pod) {
    return !terminal(pod) && Meta.isDeleting(pod);
  }

  /** The pod's completion index, or -1. */
  static int index(ObjectNode pod) {
    String v = Meta.annotations(pod).getOrDefault(COMPLETION_INDEX, Meta.labels(pod).getOrDefault(COMPLETION_INDEX, ""));
    try {
      return v.isEmpty() ? -1 : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** When a finished pod finished: its containers' latest finishedAt, else its creation. */
  static Instant finishedAt(ObjectNode pod) {
    Instant latest = null;
    for (JsonNode cs : pod.path("status").path("containerStatuses")) {
      String t = cs.path("state").path("terminated").path("finishedAt").asText("");
      if (!t.isEmpty()) {
        Instant i = Instant.parse(t);
        latest = latest == null || i.isAfter(latest) ? i : latest;
      }
    }
    return latest != null ? latest : PodReadiness.created(pod);
  }

  /**
   * A new pod of the Job; with an index (Indexed mode) it is named {@code <job>-<index>-…}, carries
   * the index as annotation, label and JOB_COMPLETION_INDEX in every container, and its hostname is
   * {@code <job>-<index>} (upstream's addCompletionIndexEnvVariables and podGenerateNameWithIndex).
   */
  static ObjectNode newPod(ObjectNode job, JobPlanner.NewPod planned) {
    ObjectNode pod = newPod(job, planned.index());
    if (!planned.annotations().isEmpty()) {
      ObjectNode meta = (ObjectNode) pod.path("metadata");
      ObjectNode annotations = meta.path("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
      planned.annotations().forEach(annotations::put);
    }
    return pod;
  }

  static ObjectNode newPod(ObjectNode job, int index) {
    ObjectNode pod = PodTemplates.newPod(job, job.path("spec").path("template"));
    if (index < 0) {
      return pod;
    }
    String i = Integer.toString(index);
    ObjectNode meta = (ObjectNode) pod.path("metadata");
    String prefix = Meta.name(job) + "-" + i + "-";
    meta.put("generateName", prefix.length() > 58 ? prefix.substring(0, 58) : prefix);
    ((ObjectNode) meta.path("annotations")).put(COMPLETION_INDEX, i);
    ((ObjectNode) meta.path("labels")).put(COMPLETION_INDEX, i);
    ObjectNode spec = (ObjectNode) pod.path("spec");
    if (!spec.has("hostname")) {
      spec.put("hostname", Meta.name(job) + "-" + i);
    }
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : spec.path(list)) {
        var env = c.path("env").isArray() ? (com.fasterxml.jackson.databind.node.ArrayNode) c.path("env")
            : ((ObjectNode) c).putArray("env");
        boolean has = false;
        for (JsonNode e : env) {
          has |= e.path("name").asText().equals(INDEX_ENV);
        }
        if (!has) {
          env.addObject().put("name", INDEX_ENV).putObject("valueFrom").putObject("fieldRef")
              .put("apiVersion", "v1").put("fieldPath", "metadata.annotations['" + COMPLETION_INDEX + "']");
        }
      }
    }
    return pod;
  }
}
