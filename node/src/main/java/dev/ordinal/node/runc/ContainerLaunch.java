package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.node.runtime.ProcessIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a container needs to start, worked out from its spec and its resolved image (see
 * {@link ImageResolver}): user (see {@link ProcessIdentity}), command line, environment, working directory and mounts (the pod's /etc files,
 * then its volume mounts with {@code subPath}), as an OCI config.
 */
final class ContainerLaunch {
  private ContainerLaunch() {}

  /** The OCI config and the image's layers for the overlay (bottom first). */
  record Launch(ObjectNode oci, List<Path> layers, RuncContainer.Stdio stdio) {}

  static Launch spec(ObjectNode pod, JsonNode container, String podIp, Path podDir, Map<String, Path> podVolumes,
      List<String> hidden, Path netns, String cgroupsPath, PodResources resources, ImageResolver.Resolved image, boolean allowPrivileged)
      throws ConfigError {
    checkPrivileged(container, allowPrivileged);
    if (HostNamespaces.asked(pod.path("spec")) && !allowPrivileged) {
      throw new ConfigError("pods with hostNetwork, hostPID or hostIPC are not allowed on this node (start Ordinal with --allow-privileged)");
    }
    ImageConfig imageConfig = image.config();
    ProcessIdentity.Identity identity;
    try {
      identity = ProcessIdentity.of(pod, container, ProcessIdentity.ImageUser.of(image.user()), image.users());
    } catch (ProcessIdentity.Refused e) {
      throw new ConfigError(e.getMessage());
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", PodFiles.hostname(pod));
    env.putAll(ContainerEnv.of(pod, container, imageConfig, resources, podIp));
    List<String> args = ProcessArgs.of(container, imageConfig, env);
    if (args.isEmpty()) {
      throw new ConfigError("no command specified");
    }
    String workingDir = container.path("workingDir").asText(imageConfig.workingDir());
    // a host image shows the host's /usr: what must stay hidden there (the data directory, were it under /usr)
    List<String> hide = new ArrayList<>(image.tmpfs());
    hidden.stream().filter(h -> image.hostMounts().stream().anyMatch(m -> h.startsWith(m.destination() + "/"))).forEach(hide::add);
    ObjectNode oci = OciSpec.build(container, new OciSpec.Inputs(args, env, workingDir, PodFiles.hostname(pod), identity, null, netns,
        cgroupsPath, image.hostMounts(), hide, mounts(container, podDir, podVolumes)));
    BlockDevices.add(oci, BlockDevices.of(container, podVolumes, Path.of("/sys/class/block")));
    HostNamespaces.apply(oci, pod.path("spec"));
    if (!imageConfig.stopSignal().isEmpty()) {
      // in the bundle, so that an agent restarted since still stops the container the image's way
      oci.with("annotations").put(RuncContainer.STOP_SIGNAL, imageConfig.stopSignal());
    }
    // on disk, so that `ordinal image list|prune` and a restarted agent know which pods use the image
    ImageUsers.annotate(oci, pod, container, image);
    RuncContainer.Stdio stdio = new RuncContainer.Stdio(container.path("stdin").asBoolean(false),
        container.path("stdinOnce").asBoolean(false), container.path("tty").asBoolean(false));
    return new Launch(oci, image.layers(), stdio);
  }

  /** Refuses a privileged container on a node that does not allow them (before its image is pulled). */
  static void checkPrivileged(JsonNode container, boolean allowPrivileged) throws ConfigError {
    if (container.path("securityContext").path("privileged").asBoolean(false) && !allowPrivileged) {
      throw new ConfigError("privileged containers are not allowed on this node (start Ordinal with --allow-privileged)");
    }
  }

  static List<OciSpec.Mount> mounts(JsonNode container, Path podDir, Map<String, Path> podVolumes) throws ConfigError {
    List<OciSpec.Mount> out = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    container.path("volumeMounts").forEach(m -> targets.add(m.path("mountPath").asText()));
    for (String f : List.of("hosts", "hostname", "resolv.conf")) {
      if (!targets.contains("/etc/" + f)) {
        out.add(new OciSpec.Mount(podDir.resolve(f), "/etc/" + f, false));
      }
    }
    for (JsonNode m : container.path("volumeMounts")) {
      String name = m.path("name").asText();
      Path source = podVolumes.get(name);
      if (source == null) {
        throw new ConfigError("volume \"" + name + "\" is not available on this node");
      }
      String sub = m.path("subPath").asText("");
      if (!sub.isEmpty()) {
        Path inside = source.resolve(sub).normalize();
        if (!inside.startsWith(source)) {
          throw new ConfigError("subPath \"" + sub + "\" leaves volume \"" + name + "\"");
        }
        try {
          if (!Files.exists(inside)) {
            Files.createDirectories(inside);
          }
        } catch (java.io.IOException e) {
          throw new ConfigError("cannot create subPath " + sub + ": " + e.getMessage());
        }
        source = inside;
      }
      out.add(new OciSpec.Mount(source, m.path("mountPath").asText(), m.path("readOnly").asBoolean(false)));
    }
    return out;
  }
}
