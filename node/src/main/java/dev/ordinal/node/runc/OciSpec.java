package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.runtime.ProcessIdentity;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OCI runtime config (config.json) of one container: its process (command line, environment,
 * user, working directory, Docker's default capabilities adjusted by the securityContext), its
 * root (the overlay), the pod's namespaces (its network namespace shared by every container), the
 * standard kernel file systems, what a pod must not see hidden under empty tmpfs, its volumes
 * bind-mounted, and its resource limits as cgroup v1 limits.
 */
final class OciSpec {
  /** The capabilities Docker (and so Kubernetes with containerd) grants by default. */
  static final List<String> DEFAULT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
      "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

  /** Every capability of the kernels this runs on, for privileged containers. */
  static final List<String> ALL_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
      "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
      "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
      "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
      "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
      "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

  /** A bind mount into the container. */
  record Mount(Path source, String destination, boolean readOnly) {}

  /** Everything about one container that is not in its spec. */
  record Inputs(List<String> args, Map<String, String> env, String workingDir, String hostname, ProcessIdentity.Identity user,
      Path rootfs, Path netns,
      String cgroupsPath, List<Mount> rootMounts, List<String> hidden, List<Mount> mounts) {}

  private OciSpec() {}

  static ObjectNode build(JsonNode container, Inputs in) {
    ObjectNode spec = Json.object();
    spec.put("ociVersion", "1.0.2");
    JsonNode security = container.path("securityContext");
    ObjectNode process = spec.putObject("process");
    // with tty, conmon (started with --terminal) takes the terminal's master from runc and keeps it
    process.put("terminal", container.path("tty").asBoolean(false));
    ObjectNode user = process.putObject("user");
    user.put("uid", in.user().uid()).put("gid", in.user().gid());
    ArrayNode gids = user.putArray("additionalGids");
    in.user().additionalGids().forEach(gids::add);
    ArrayNode args = process.putArray("args");
    in.args().forEach(args::add);
    ArrayNode env = process.putArray("env");
    in.env().forEach((k, v) -> env.add(k + "=" + v));
    process.put("cwd", in.workingDir().isEmpty() ? "/" : in.workingDir());
    boolean privileged = security.path("privileged").asBoolean(false);
    ObjectNode caps = process.putObject("capabilities");
    Set<String> granted = privileged ? new LinkedHashSet<>(ALL_CAPABILITIES) : capabilities(security.path("capabilities"));
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode a = caps.putArray(set);
      granted.forEach(a::add);
    }
    process.put("noNewPrivileges", !security.path("allowPrivilegeEscalation").asBoolean(true));
    process.putArray("rlimits"); // inherited: raising a limit above the agent's own fails

    spec.putObject("root").put("path", in.rootfs() == null ? "rootfs" : in.rootfs().toString())
        .put("readonly", security.path("readOnlyRootFilesystem").asBoolean(false));
    spec.put("hostname", in.hostname());

    ArrayNode mounts = spec.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(mounts, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
    mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/sys", "sysfs", "sysfs", privileged ? List.of("nosuid", "noexec", "nodev") : List.of("nosuid", "noexec", "nodev", "ro"));
    // the container's own cgroup, read-only, as containerd and Docker mount it: a process sees its
    // limits (memory.max, or v1's memory/memory.limit_in_bytes), a resize's included
    mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
    for (Mount m : in.rootMounts()) {
      // a host image's share of the host: read-only, no device files, no set-uid programs
      mount(mounts, m.destination(), "bind", m.source().toString(), List.of("rbind", "ro", "nosuid", "nodev"));
    }
    for (String path : in.hidden()) {
      String mode = path.equals("/tmp") ? "mode=1777" : "mode=755";
      mount(mounts, path, "tmpfs", "tmpfs", List.of("nosuid", "nodev", mode));
    }
    for (Mount m : in.mounts()) {
      mount(mounts, m.destination(), "bind", m.source().toString(), List.of("rbind", m.readOnly() ? "ro" : "rw", "nosuid", "nodev"));
    }

    ObjectNode linux = spec.putObject("linux");
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String ns : List.of("pid", "ipc", "uts", "mount")) {
      namespaces.addObject().put("type", ns);
    }
    namespaces.addObject().put("type", "network").put("path", in.netns().toString());
    linux.put("cgroupsPath", in.cgroupsPath());
    ObjectNode resources = linux.putObject("resources");
    resources.putArray("devices").addObject().put("allow", privileged).put("access", "rwm");
    resources.setAll(ContainerResize.linuxResources(container.path("resources")));
    if (privileged) {
      return spec; // as Docker's --privileged: nothing masked or read-only
    }
    ArrayNode masked = linux.putArray("maskedPaths");
    for (String p : List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi")) {
      masked.add(p);
    }
    ArrayNode readOnly = linux.putArray("readonlyPaths");
    for (String p : List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")) {
      readOnly.add(p);
    }
    return spec;
  }

  /** Docker's defaults, plus {@code add}, minus {@code drop} ("ALL" drops every one). */
  static Set<String> capabilities(JsonNode capabilities) {
    Set<String> out = new LinkedHashSet<>(DEFAULT_CAPABILITIES);
    for (JsonNode d : capabilities.path("drop")) {
      if (d.asText().equalsIgnoreCase("ALL")) {
        out.clear();
      } else {
        out.remove(name(d.asText()));
      }
    }
    capabilities.path("add").forEach(a -> out.add(name(a.asText())));
    return out;
  }

  private static String name(String cap) {
    String c = cap.toUpperCase(Locale.ROOT);
    return c.startsWith("CAP_") ? c : "CAP_" + c;
  }

  private static void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", destination).put("type", type).put("source", source);
    ArrayNode o = m.putArray("options");
    options.forEach(o::add);
  }
}
