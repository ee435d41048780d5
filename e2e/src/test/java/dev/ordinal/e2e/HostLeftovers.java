package dev.ordinal.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What real pods leave on the host — runc containers, network namespaces, mounts, cgroups, the
 * bridge — found for checks and removed after a test whatever its outcome, so a failed run leaves
 * the machine as it found it.
 */
final class HostLeftovers {
  private HostLeftovers() {}

  static boolean canRunContainers() {
    return "root".equals(System.getProperty("user.name"))
        && Stream.of("/usr/sbin/runc", "/usr/bin/conmon", "/usr/lib/cni/bridge", "/usr/sbin/nginx", "/bin/busybox")
            .allMatch(p -> Files.exists(Path.of(p)));
  }

  /**
   * What is left of one pod: its containers, network namespace, mounts, address reservation,
   * cgroup directories (in every hierarchy, v1 or v2) and its directory under the data directory.
   */
  static List<String> of(Path dataDir, String podUid) throws Exception {
    List<String> out = new ArrayList<>();
    for (String id : run("runc", "list", "-q").lines().toList()) {
      if (id.contains(podUid)) {
        out.add("container " + id);
      }
    }
    if (Files.exists(Path.of("/run/netns/ordinal-" + podUid))) {
      out.add("netns ordinal-" + podUid);
    }
    for (String m : mountsUnder(dataDir.resolve("pods").resolve(podUid))) {
      out.add("mount " + m);
    }
    Path reservations = dataDir.resolve("cni").resolve("ordinal");
    if (Files.isDirectory(reservations)) {
      try (Stream<Path> files = Files.list(reservations)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (Files.readString(f).startsWith(podUid)) {
            out.add("address " + f.getFileName());
          }
        }
      }
    }
    for (Path hierarchy : cgroupHierarchies()) {
      if (Files.isDirectory(hierarchy.resolve("ordinal").resolve(podUid))) {
        out.add("cgroup " + hierarchy.resolve("ordinal").resolve(podUid));
      }
    }
    if (Files.exists(dataDir.resolve("pods").resolve(podUid))) {
      out.add("directory pods/" + podUid);
    }
    return out;
  }

  /** Removes everything the pods of this data directory left, and the bridge once no pod uses it. */
  static void clean(Path dataDir) throws Exception {
    cleanPods(dataDir);
    cleanHostNetwork();
  }

  /**
   * Removes what the pods of this data directory left (containers, mounts, loop devices, network
   * namespaces, cgroups), not the host's bridge and rules: an agent's live in its host's namespace.
   */
  static void cleanPods(Path dataDir) throws Exception {
    cleanPods(dataDir, "ordinal");
  }

  /** The same, for pods whose cgroups are under {@code /<cgroupRoot>} (an agent's --cgroup-root), which goes too. */
  static void cleanPods(Path dataDir, String cgroupRoot) throws Exception {
    Path pods = dataDir.resolve("pods");
    List<String> uids = new ArrayList<>();
    if (Files.isDirectory(pods)) {
      try (Stream<Path> list = Files.list(pods)) {
        list.forEach(p -> uids.add(p.getFileName().toString()));
      }
    }
    for (String id : run("runc", "list", "-q").lines().toList()) {
      if (uids.stream().anyMatch(id::contains)) {
        run("runc", "delete", "--force", id);
      }
    }
    List<String> mounts = mountsUnder(dataDir);
    mounts.sort(Comparator.reverseOrder());
    for (String m : mounts) {
      run("umount", "-l", m);
    }
    // the claims' loop devices (Block volumes keep theirs without a mount)
    Path volumes = dataDir.resolve("volumes");
    if (Files.isDirectory(volumes)) {
      try (Stream<Path> images = Files.list(volumes)) {
        for (Path image : images.filter(p -> p.toString().endsWith(".img")).toList()) {
          for (String dev : run("losetup", "-j", image.toString(), "-n", "-O", "NAME").lines().map(String::strip)
              .filter(l -> l.startsWith("/dev/")).toList()) {
            run("losetup", "-d", dev);
          }
        }
      }
    }
    for (String uid : uids) {
      run("ip", "netns", "delete", "ordinal-" + uid);
      for (Path hierarchy : cgroupHierarchies()) {
        Path dir = hierarchy.resolve(cgroupRoot).resolve(uid);
        if (Files.isDirectory(dir)) {
          try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
          }
        }
      }
    }
    if (!cgroupRoot.equals("ordinal")) {
      for (Path hierarchy : cgroupHierarchies()) {
        hierarchy.resolve(cgroupRoot).toFile().delete(); // rmdir: only once empty
      }
    }
  }

  /** The bridge and the service rules of this network namespace, once no pod uses them. */
  static void cleanHostNetwork() throws Exception {
    boolean bridgeInUse;
    try (Stream<Path> netns = Files.isDirectory(Path.of("/run/netns")) ? Files.list(Path.of("/run/netns")) : Stream.empty()) {
      bridgeInUse = netns.anyMatch(n -> n.getFileName().toString().startsWith("ordinal-"));
    }
    if (!bridgeInUse) {
      run("ip", "link", "delete", "ord0");
      // the service rules, had Ordinal been killed before it could remove them
      for (String hook : List.of("PREROUTING:ORDINAL-SERVICES", "OUTPUT:ORDINAL-SERVICES", "POSTROUTING:ORDINAL-POSTROUTING")) {
        String[] h = hook.split(":");
        run("iptables", "-t", "nat", "-D", h[0], "-j", h[1]);
      }
      for (String chain : List.of("OUTPUT", "FORWARD")) {
        run("iptables", "-t", "filter", "-D", chain, "-m", "conntrack", "--ctstate", "NEW", "-j", "ORDINAL-REJECT");
      }
      for (String table : List.of("nat", "filter")) {
        List<String> chains = run("iptables-save", "-t", table).lines().filter(l -> l.startsWith(":ORD"))
            .map(l -> l.substring(1, l.indexOf(' '))).toList();
        for (String c : chains) {
          run("iptables", "-t", table, "-F", c);
        }
        for (String c : chains) {
          run("iptables", "-t", table, "-X", c);
        }
      }
      for (Path hierarchy : cgroupHierarchies()) {
        hierarchy.resolve("ordinal").toFile().delete();
      }
    }
  }

  /** Every cgroup hierarchy: each v1 controller's (and v2's "unified" in hybrid mode), or the one v2 root. */
  static List<Path> cgroupHierarchies() throws IOException {
    Path root = Path.of("/sys/fs/cgroup");
    if (Files.exists(root.resolve("cgroup.controllers"))) {
      return List.of(root);
    }
    try (Stream<Path> list = Files.list(root)) {
      return list.filter(Files::isDirectory).toList();
    }
  }

  private static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toAbsolutePath().normalize() + "/";
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
      String target = line.split(" ")[1];
      if (target.startsWith(prefix) || (target + "/").equals(prefix)) {
        out.add(target);
      }
    }
    return out;
  }

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
