package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** kubectl's pod columns, including its STATUS reasoning (Init:0/1, CrashLoopBackOff, Terminating…). */
final class PodPrinter {
  private PodPrinter() {}

  static final TablePrinter INSTANCE = new Printer(List.of(
      Printer.NAME,
      col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
      col("Status", "string", "The aggregate status of the containers in this pod."),
      col("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
      Printer.AGE,
      wide("IP", "string", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
      wide("Node", "string", "NodeName is a request to schedule this pod onto a specific node."),
      wide("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node."),
      wide("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.")),
      PodPrinter::row);

  private static List<Object> row(ObjectNode pod, Instant now) {
    JsonNode status = pod.path("status");
    JsonNode containers = pod.path("spec").path("containers");
    int total = containers.size();
    int ready = 0;
    long restarts = 0;
    String lastRestart = "";
    String reason = Cells.text(status, "phase");
    if (!Cells.text(status, "reason").isEmpty()) {
      reason = Cells.text(status, "reason");
    }
    boolean initializing = false;
    JsonNode inits = status.path("initContainerStatuses");
    int initCount = pod.path("spec").path("initContainers").size();
    for (int i = 0; i < inits.size(); i++) {
      JsonNode c = inits.get(i);
      restarts += c.path("restartCount").asLong(0);
      lastRestart = later(lastRestart, Cells.text(c, "lastState", "terminated", "finishedAt"));
      JsonNode term = c.path("state").path("terminated");
      JsonNode wait = c.path("state").path("waiting");
      if (!term.isMissingNode() && term.path("exitCode").asInt(0) == 0) {
        continue;
      }
      if (c.path("started").asBoolean(false) && isRestartable(pod, Cells.text(c, "name"))) {
        continue;
      }
      if (!term.isMissingNode()) {
        reason = "Init:" + terminatedReason(term);
      } else if (!wait.isMissingNode() && !Cells.text(wait, "reason").isEmpty() && !Cells.text(wait, "reason").equals("PodInitializing")) {
        reason = "Init:" + Cells.text(wait, "reason");
      } else {
        reason = "Init:" + i + "/" + initCount;
      }
      initializing = true;
      break;
    }
    if (!initializing) {
      boolean hasRunning = false;
      JsonNode cs = status.path("containerStatuses");
      for (int i = cs.size() - 1; i >= 0; i--) {
        JsonNode c = cs.get(i);
        restarts += c.path("restartCount").asLong(0);
        lastRestart = later(lastRestart, Cells.text(c, "lastState", "terminated", "finishedAt"));
        JsonNode wait = c.path("state").path("waiting");
        JsonNode term = c.path("state").path("terminated");
        if (!Cells.text(wait, "reason").isEmpty()) {
          reason = Cells.text(wait, "reason");
        } else if (!term.isMissingNode()) {
          reason = terminatedReason(term);
        } else if (!c.path("state").path("running").isMissingNode() && c.path("ready").asBoolean(false)) {
          hasRunning = true;
          ready++;
        }
      }
      if (reason.equals("Completed") && hasRunning) {
        reason = hasReadyCondition(status) ? "Running" : "NotReady";
      }
    }
    if (!Cells.text(pod, "metadata", "deletionTimestamp").isEmpty()) {
      reason = Cells.text(status, "reason").equals("NodeLost") ? "Unknown" : "Terminating";
    }
    String restartCell = Long.toString(restarts);
    if (restarts > 0 && !lastRestart.isEmpty()) {
      restartCell += " (" + Cells.since(lastRestart, now) + " ago)";
    }
    JsonNode gates = pod.path("spec").path("readinessGates");
    String gateCell = Cells.NONE;
    if (gates.size() > 0) {
      int met = 0;
      for (JsonNode g : gates) {
        for (JsonNode cond : status.path("conditions")) {
          if (cond.path("type").asText().equals(g.path("conditionType").asText()) && cond.path("status").asText().equals("True")) {
            met++;
          }
        }
      }
      gateCell = met + "/" + gates.size();
    }
    return List.of(Cells.text(pod, "metadata", "name"), ready + "/" + total, reason, restartCell, Cells.age(pod, now),
        Cells.orNone(Cells.text(status, "podIP")), Cells.orNone(Cells.text(pod, "spec", "nodeName")),
        Cells.orNone(Cells.text(status, "nominatedNodeName")), gateCell);
  }

  private static boolean isRestartable(ObjectNode pod, String name) {
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      if (c.path("name").asText().equals(name)) {
        return c.path("restartPolicy").asText().equals("Always");
      }
    }
    return false;
  }

  private static boolean hasReadyCondition(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }

  private static String terminatedReason(JsonNode term) {
    if (!Cells.text(term, "reason").isEmpty()) {
      return Cells.text(term, "reason");
    }
    if (term.path("signal").asInt(0) != 0) {
      return "Signal:" + term.path("signal").asInt();
    }
    return "ExitCode:" + term.path("exitCode").asInt();
  }

  private static String later(String a, String b) {
    return b.compareTo(a) > 0 ? b : a;
  }
}
