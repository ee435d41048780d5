package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.node.runtime.ContainerEvent;
import dev.ordinal.node.runtime.ContainerState;
import java.io.IOException;
import java.time.Instant;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the runtime does to a running container whose spec changed under it: a new image (a
 * StatefulSet's in-place update) replaces the run; new cpu or memory (pods/resize) is given to the
 * running container's cgroup, or restarts it where its resizePolicy says so. The sandbox, its
 * network and the pod's volumes stay either way.
 */
final class InPlaceChanges {
  private static final Logger log = LoggerFactory.getLogger(InPlaceChanges.class);

  private InPlaceChanges() {}

  /**
   * The container's image changed (an in-place update): as kubelet on a container hash change, stop
   * the run (SIGTERM, SIGKILL after the pod's grace period) and start the new image at once, whatever
   * the restartPolicy and without back-off. Returns when to look again while the old run stops, or
   * null once it has, the slot then ready to start the next run; the sandbox, its network and the
   * pod's volumes stay.
   */
  static Instant replaceChanged(ObjectNode pod, RuncPod p, ContainerSlot slot, Instant now, ContainerEvent killing) {
    RuncContainer c = slot.current;
    OptionalInt exit = c.exitCode();
    if (exit.isEmpty()) {
      if (slot.replacing == null) {
        slot.replacing = now;
        p.events.add(killing);
        RuncRuntime.signalQuietly(c, "TERM");
      } else if (!now.isBefore(slot.replacing.plusSeconds(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30)))) {
        RuncRuntime.signalQuietly(c, "KILL");
      }
      return now.plusMillis(200);
    }
    if (!slot.exitSeen) {
      int code = exit.getAsInt();
      slot.last = new ContainerState.Termination(code, code == 0 ? "Completed" : "Error", c.startedAt(), c.finishedAt());
      RuncRuntime.deleteQuietly(c);
    }
    slot.restarts++;
    slot.current = null;
    slot.restartAt = null;
    slot.replacing = null;
    slot.image = null;
    return null;
  }

  /**
   * In-place resize (Kubernetes 1.33's, as kubelet does it): when the spec's cpu or memory differ
   * from what the running container's cgroup has, either restart the container, if the resizePolicy
   * of a changed resource says RestartContainer (the new run starts with the new limits, without
   * back-off, its restart counted), or give the cgroup the new limits with {@code runc update}
   * while it runs. A failed update is reported (PodResizeInProgress, reason Error) and tried again.
   * Returns when to look again, or null to carry on with the container as it is.
   */
  static Instant resize(ObjectNode pod, RuncPod p, JsonNode spec, ContainerSlot slot, Instant now) {
    JsonNode wanted = spec.path("resources");
    if (slot.resources == null) {
      slot.resources = wanted.deepCopy(); // adopted after a restart of the agent: started from this spec
    }
    if (slot.resizeRestart) {
      Instant later = replaceChanged(pod, p, slot, now, ContainerEvent.killingForResize(slot.name));
      if (later == null) {
        slot.resizeRestart = false;
      }
      return later;
    }
    java.util.Set<String> changed = ContainerResize.changed(slot.resources, wanted);
    if (changed.isEmpty() || slot.current.exitCode().isPresent()) {
      return null; // a run that ended starts again from the spec as it stands
    }
    if (ContainerResize.needsRestart(spec, changed)) {
      slot.resizeRestart = true;
      Instant later = replaceChanged(pod, p, slot, now, ContainerEvent.killingForResize(slot.name));
      if (later == null) {
        slot.resizeRestart = false;
      }
      return later;
    }
    try {
      slot.current.update(ContainerResize.linuxResources(wanted));
      slot.resources = wanted.deepCopy();
      slot.resizeError = "";
      log.info("pod {}/{} container {}: resized in place ({})", Meta.namespace(pod), Meta.name(pod), slot.name, changed);
      return null;
    } catch (IOException e) {
      slot.resizeError = e.getMessage();
      log.warn("pod {}/{} container {}: resize: {}", Meta.namespace(pod), Meta.name(pod), slot.name, e.getMessage());
      return now.plusSeconds(5);
    }
  }
}
