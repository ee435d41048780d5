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
 * What a {@link NetnsCluster} whose JVM was killed (kill -9: no close, no shutdown hook) left
 * behind, removed before the next one starts. Only what carries the cluster's own prefix goes:
 * network namespaces, links and {@code /etc/netns} entries named {@code ordmn…}, cgroups named
 * {@code ordinal-h<n>}, processes inside those namespaces or cgroups, and — through the work
 * directory each cluster records in {@link #STATE} — the processes naming that directory and the
 * pods of its data directories. Other Ordinal runs (the plain {@code ordinal-…} pod namespaces,
 * {@code /ordinal} cgroups) are untouched.
 */
final class NetnsLeftovers {
  static final String PREFIX = "ordmn";
  /** The work directories of the clusters not yet closed, one a line (tmpfs: a reboot clears it with the namespaces). */
  static final Path STATE = Path.of("/run/" + PREFIX + "-clusters");

  private NetnsLeftovers() {}

  static void record(Path work) throws IOException {
    List<String> lines = new ArrayList<>(Files.exists(STATE) ? Files.readAllLines(STATE) : List.of());
    lines.add(work.toAbsolutePath().toString());
    Files.write(STATE, lines);
  }

  static void forget(Path work) throws IOException {
    if (Files.exists(STATE)) {
      List<String> lines = new ArrayList<>(Files.readAllLines(STATE));
      lines.remove(work.toAbsolutePath().toString());
      if (lines.isEmpty()) {
        Files.deleteIfExists(STATE);
      } else {
        Files.write(STATE, lines);
      }
    }
  }

  /** Removes what earlier clusters left; returns what it found, for the log. */
  static List<String> clean() throws Exception {
    List<String> found = new ArrayList<>();
    List<Path> works = Files.exists(STATE) ? Files.readAllLines(STATE).stream().filter(l -> !l.isBlank()).map(Path::of).toList() : List.of();
    // processes first, so that nothing recreates what is removed after: those in our namespaces
    // (agents, servers, etcd members, fencing watchdogs, conmon), in our cgroups (the pods), and
    // those naming a recorded work directory (`ordinal up` in the root namespace, kubectl watches)
    List<String> namespaces = ownNetns();
    for (String ns : namespaces) {
      for (String pid : HostLeftovers.run("ip", "netns", "pids", ns).lines().map(String::strip).filter(l -> l.matches("\\d+")).toList()) {
        kill(Long.parseLong(pid), "in netns " + ns, found);
      }
    }
    for (Path cgroup : ownCgroups()) {
      try (Stream<Path> walk = Files.walk(cgroup)) {
        for (Path procs : walk.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
          for (String pid : Files.readAllLines(procs)) {
            kill(Long.parseLong(pid.strip()), "in cgroup " + cgroup, found);
          }
        }
      }
    }
    long self = ProcessHandle.current().pid();
    for (Path work : works) {
      String marker = work.toString() + "/";
      ProcessHandle.allProcesses().filter(h -> h.pid() != self && h.info().commandLine().orElse("").contains(marker))
          .forEach(h -> kill(h.pid(), "naming " + work, found));
    }
    awaitKilled();
    // the pods of each recorded cluster's data directories: containers, mounts, loop devices, pod namespaces, cgroups
    for (Path work : works) {
      if (Files.isDirectory(work)) {
        try (Stream<Path> dirs = Files.list(work)) {
          for (Path d : dirs.filter(Files::isDirectory).toList()) {
            String name = d.getFileName().toString();
            if (name.matches("a\\d+")) {
              HostLeftovers.cleanPods(d, NetnsCluster.cgroupRoot(Integer.parseInt(name.substring(1))));
            } else if (Files.isDirectory(d.resolve("pods"))) {
              HostLeftovers.cleanPods(d);
            }
          }
        }
      }
    }
    for (String ns : namespaces) {
      HostLeftovers.run("ip", "netns", "delete", ns);
      found.add("netns " + ns);
    }
    for (String link : HostLeftovers.run("ip", "-o", "link", "show").lines()
        .map(l -> l.split(":\\s+", 3)).filter(f -> f.length > 1).map(f -> f[1].replaceAll("@.*", ""))
        .filter(n -> n.startsWith(PREFIX)).toList()) {
      HostLeftovers.run("ip", "link", "delete", link);
      found.add("link " + link);
    }
    for (Path cgroup : ownCgroups()) {
      removeTree(cgroup);
      found.add("cgroup " + cgroup);
    }
    removeEtcNetns(found);
    if (!works.isEmpty()) {
      HostLeftovers.cleanHostNetwork(); // `ordinal up`'s bridge and rules in the root namespace, once no pod uses them
    }
    for (Path work : works) {
      if (Files.isDirectory(work) && !hasMounts(work)) {
        try (Stream<Path> walk = Files.walk(work)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      forget(work);
      found.add("work " + work);
    }
    return found;
  }

  /** The {@code /etc/netns/ordmn…} directories (files {@code ip netns exec} mounts over /etc, e.g. a client's hosts). */
  static void removeEtcNetns(List<String> found) throws IOException {
    Path etc = Path.of("/etc/netns");
    if (!Files.isDirectory(etc)) {
      return;
    }
    try (Stream<Path> list = Files.list(etc)) {
      for (Path d : list.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList()) {
        removeTree(d);
        found.add("etc " + d);
      }
    }
    try (Stream<Path> left = Files.list(etc)) {
      if (left.findAny().isEmpty()) {
        Files.delete(etc);
      }
    }
  }

  private static List<String> ownNetns() throws IOException {
    Path run = Path.of("/run/netns");
    if (!Files.isDirectory(run)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(run)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX + "-")).sorted().toList();
    }
  }

  /** The agents' cgroup roots ({@code /ordinal-h<n>}) in every hierarchy. */
  private static List<Path> ownCgroups() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path hierarchy : HostLeftovers.cgroupHierarchies()) {
      try (Stream<Path> list = Files.list(hierarchy)) {
        list.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("ordinal-h\\d+")).forEach(out::add);
      }
    }
    return out;
  }

  /** SIGKILL now; waited for all together in {@link #awaitKilled}, not one by one. */
  private static void kill(long pid, String why, List<String> found) {
    ProcessHandle.of(pid).ifPresent(h -> {
      found.add("process " + pid + " " + why + ": " + h.info().commandLine().orElse("?"));
      h.destroyForcibly();
      KILLED.add(h);
    });
  }

  private static final List<ProcessHandle> KILLED = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static void awaitKilled() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle h : KILLED) {
      try {
        h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        // a process in uninterruptible sleep: the namespace and cgroup removal below are best effort then
      }
    }
    KILLED.clear();
  }

  private static void removeTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      // cgroup directories go with rmdir (their files cannot be deleted); plain files first elsewhere
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static boolean hasMounts(Path dir) throws IOException {
    String prefix = dir.toAbsolutePath().normalize() + "/";
    return Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" ")[1]).anyMatch(t -> t.startsWith(prefix));
  }
}
