package dev.ordinal.node.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Duration;

/**
 * Something that happened to one container during a sync, which the agent records as a kubelet
 * Event on the pod. The wording is upstream kubelet's (pkg/kubelet/events reasons; the messages
 * of kuberuntime_container.go, images/image_manager.go and prober as of Kubernetes 1.32+:
 * "Created container: NAME" replaced the older "Created container NAME"), because users and
 * tools read these messages (kubectl describe, alerting on BackOff).
 *
 * @param container the container's name
 * @param init whether it is an init container (the event's fieldPath says so)
 */
public record ContainerEvent(String container, boolean init, String type, String reason, String message) {

  /** The image was found locally (an imported image or a host image): nothing was pulled. */
  public static ContainerEvent pulled(String container, boolean init, String image) {
    return new ContainerEvent(container, init, "Normal", "Pulled", "Container image \"" + image + "\" already present on machine");
  }

  public static ContainerEvent created(String container, boolean init) {
    return new ContainerEvent(container, init, "Normal", "Created", "Created container: " + container);
  }

  public static ContainerEvent started(String container, boolean init) {
    return new ContainerEvent(container, init, "Normal", "Started", "Started container " + container);
  }

  /** A container is stopped because its pod is deleted. */
  public static ContainerEvent killing(String container, boolean init) {
    return new ContainerEvent(container, init, "Normal", "Killing", "Stopping container " + container);
  }

  /** A container is killed because its spec changed (an in-place image update): kubelet restarts it whatever the restartPolicy. */
  public static ContainerEvent killingForDefinitionChange(String container, boolean init) {
    return new ContainerEvent(container, init, "Normal", "Killing", "Container " + container + " definition changed, will be restarted");
  }

  /** A container is killed because a probe ("liveness", "startup") failed. */
  public static ContainerEvent killingForProbe(String container, String probe) {
    return new ContainerEvent(container, false, "Normal", "Killing", "Container " + container + " failed " + probe
        + " probe, will be restarted");
  }

  /** A probe ("Liveness", "Readiness", "Startup") failed, with what the probe said. */
  public static ContainerEvent unhealthy(String container, String probe, String output) {
    return new ContainerEvent(container, false, "Warning", "Unhealthy", probe + " probe failed: " + output);
  }

  /** The container exited and waits for its back-off before it runs again. */
  public static ContainerEvent backOff(String container, boolean init, ObjectNode pod) {
    return new ContainerEvent(container, init, "Warning", "BackOff", "Back-off restarting failed container " + container
        + " in pod " + podRef(pod));
  }

  /** kubelet's CrashLoopBackOff waiting message: "back-off 20s restarting failed container=app pod=web-0_default(uid)". */
  public static String backOffMessage(String container, ObjectNode pod, Duration delay) {
    return "back-off " + goDuration(delay) + " restarting failed container=" + container + " pod=" + podRef(pod);
  }

  /** How kubelet names a pod in messages (format.Pod): name_namespace(uid). */
  public static String podRef(ObjectNode pod) {
    return Meta.name(pod) + "_" + Meta.namespace(pod) + "(" + Meta.uid(pod) + ")";
  }

  /** The event's involvedObject.fieldPath, as kubelet's container references give it. */
  public String fieldPath() {
    return (init ? "spec.initContainers{" : "spec.containers{") + container + "}";
  }

  /** A whole-second duration as Go prints it: 10s, 1m20s, 5m0s, 1h0m0s. */
  static String goDuration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    return (s / 3600) + "h" + (s % 3600 / 60) + "m" + (s % 60) + "s";
  }
}
