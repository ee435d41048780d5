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

  /**
   * The image was found locally, and where: upstream's message, then the source in parentheses
   * ({@code host image}, {@code local store: imported}, {@code local store: pulled from https://…}).
   */
  public static ContainerEvent present(String container, boolean init, String image, String source) {
    return new ContainerEvent(container, init, "Normal", "Pulled", "Container image \"" + image + "\" already present on machine"
        + (source.isEmpty() ? "" : " (" + source + ")"));
  }

  /** kubelet's Pulling event. */
  public static ContainerEvent pulling(String container, boolean init, String image) {
    return new ContainerEvent(container, init, "Normal", "Pulling", "Pulling image \"" + image + "\"");
  }

  /**
   * kubelet's Pulled event after a pull (1.30+ wording: the pull's own time, the time including
   * waiting for other pulls, the image's size), then the source it came from.
   */
  public static ContainerEvent pulledFrom(String container, boolean init, String image, Duration took, Duration withWaiting, long size,
      String source) {
    return new ContainerEvent(container, init, "Normal", "Pulled", "Successfully pulled image \"" + image + "\" in " + goMillis(took)
        + " (" + goMillis(withWaiting) + " including waiting). Image size: " + size + " bytes." + (source.isEmpty() ? "" : " Source: " + source + "."));
  }

  /** kubelet's Failed event for a failed pull, then its "Error: ErrImagePull". */
  public static ContainerEvent pullFailed(String container, boolean init, String image, String error) {
    return new ContainerEvent(container, init, "Warning", "Failed", "Failed to pull image \"" + image + "\": " + error);
  }

  /** kubelet's "Error: REASON" Failed event of a container that could not start (ErrImagePull, ImagePullBackOff, ErrImageNeverPull). */
  public static ContainerEvent error(String container, boolean init, String reason) {
    return new ContainerEvent(container, init, "Warning", "Failed", "Error: " + reason);
  }

  /** kubelet's BackOff event while a pull waits out its back-off (a Normal event upstream). */
  public static ContainerEvent pullBackOff(String container, boolean init, String image) {
    return new ContainerEvent(container, init, "Normal", "BackOff", "Back-off pulling image \"" + image + "\"");
  }

  /** kubelet's ErrImageNeverPull event. */
  public static ContainerEvent neverPull(String container, boolean init, String image) {
    return new ContainerEvent(container, init, "Warning", "ErrImageNeverPull", neverPullMessage(image));
  }

  public static String neverPullMessage(String image) {
    return "Container image \"" + image + "\" is not present with pull policy of Never";
  }

  /** Some pull secrets could not be read: kubelet's warning, and the pull goes ahead without them. */
  public static ContainerEvent secretsMissing(String container, boolean init, java.util.List<String> names) {
    return new ContainerEvent(container, init, "Warning", "FailedToRetrieveImagePullSecret", "Unable to retrieve some image pull secrets ("
        + String.join(", ", names) + "); attempting to pull the image may not succeed.");
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

  /** A container is restarted to take new resources (a resize whose resizePolicy says RestartContainer). */
  public static ContainerEvent killingForResize(String container) {
    return new ContainerEvent(container, false, "Normal", "Killing", "Container " + container + " resize requires restart");
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

  /** A duration truncated to milliseconds as Go prints it: 523ms, 1.234s, 1m2.5s. */
  static String goMillis(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms == 0) {
      return "0s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    long minutes = ms / 60_000;
    long rest = ms % 60_000;
    String seconds = trimZeros(rest / 1000 + "." + String.format("%03d", rest % 1000)) + "s";
    return minutes == 0 ? seconds : minutes + "m" + seconds;
  }

  private static String trimZeros(String s) {
    String t = s.replaceAll("0+$", "");
    return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
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
