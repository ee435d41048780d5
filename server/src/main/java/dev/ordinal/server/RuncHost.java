package dev.ordinal.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Whether this machine can run real containers: root, and Debian's runc, conmon and CNI plugins. */
final class RuncHost {
  private static final Map<String, String> PACKAGES = Map.of(
      "/usr/sbin/runc", "runc", "/usr/bin/conmon", "conmon", "/usr/lib/cni/bridge", "containernetworking-plugins",
      "/usr/sbin/ip", "iproute2", "/usr/bin/setfattr", "attr");

  private RuncHost() {}

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** What is missing, said plainly with the command that fixes it; "" when nothing is. */
  static String missing(boolean root) {
    if (!root) {
      return "the runc runtime needs root (network namespaces, mounts, cgroups): run as root, or use --runtime simulated";
    }
    List<String> packages = new ArrayList<>();
    PACKAGES.forEach((path, pkg) -> {
      if (!Files.exists(Path.of(path))) {
        packages.add(pkg);
      }
    });
    if (packages.isEmpty()) {
      return "";
    }
    packages.sort(null);
    return "the runc runtime needs " + String.join(", ", packages) + ": apt-get install -y " + String.join(" ", packages)
        + " (./ordinal up installs them itself when run as root)";
  }
}
