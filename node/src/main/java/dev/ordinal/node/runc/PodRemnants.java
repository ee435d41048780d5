package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.images.Unpacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pod holds on the host, found from the host itself rather than from memory, so that a
 * removal after a crash finds everything: runc containers whose bundle is under the pod's
 * directory, mounts under it (container roots, volumes), the network namespace, the address
 * reservation, the cgroup directories — and the pod's directory, which is removed last, only once
 * the rest is gone: while anything is left, the directory is what marks the pod as this data
 * directory's, so that a later removal (the next start) tries again. A network namespace or an
 * address is only ever taken for a pod whose directory exists, so nothing of ours is left without it.
 */
final class PodRemnants {
  private static final Logger log = LoggerFactory.getLogger(PodRemnants.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Path runc;
  private final Path podsDir;
  private final PodNetwork network;

  PodRemnants(Path runc, Path podsDir, PodNetwork network) {
    this.runc = runc;
    this.podsDir = podsDir;
    this.network = network;
  }

  /** The pods this data directory holds anything of: directories, address reservations, containers. */
  Set<String> held() {
    Set<String> out = new HashSet<>();
    try (Stream<Path> dirs = Files.list(podsDir)) {
      dirs.forEach(d -> out.add(d.getFileName().toString()));
    } catch (IOException e) {
      log.warn("listing {}: {}", podsDir, e.getMessage());
    }
    try {
      out.addAll(network.reservations());
    } catch (IOException e) {
      log.warn("listing address reservations: {}", e.getMessage());
    }
    for (Container c : containers()) {
      out.add(c.podUid());
    }
    return out;
  }

  /** What is left of the pod, one line per thing (for logs and tests); empty when nothing is. */
  List<String> of(String podUid) throws IOException {
    List<String> out = new ArrayList<>();
    containers().stream().filter(c -> c.podUid().equals(podUid)).forEach(c -> out.add("container " + c.id()));
    mountsUnder(podsDir.resolve(podUid)).forEach(m -> out.add("mount " + m));
    if (Files.exists(PodNetwork.namespacePath(podUid))) {
      out.add("netns " + PodNetwork.namespaceName(podUid));
    }
    if (network.reservations().contains(podUid)) {
      out.add("address reservation");
    }
    Cgroups.directories(Cgroups.podPath(podUid)).forEach(d -> out.add("cgroup " + d));
    if (Files.exists(podsDir.resolve(podUid))) {
      out.add("directory " + podsDir.resolve(podUid));
    }
    return out;
  }

  /**
   * Removes everything of the pod: kills and deletes its containers, unmounts what is mounted under
   * its directory, releases its network and cgroups, then deletes the directory. Returns true when
   * nothing is left.
   */
  boolean remove(String podUid) {
    Path dir = podsDir.resolve(podUid);
    for (Container c : containers()) {
      if (c.podUid().equals(podUid)) {
        // kills what still runs, waits for it, and removes runc's state and the container's cgroups
        run(List.of(runc.toString(), "delete", "--force", c.id()));
      }
    }
    try {
      List<String> mounts = mountsUnder(dir);
      for (String m : mounts.reversed()) {
        run(List.of("umount", "-l", m));
      }
      boolean networkGone = network.tearDown(podUid);
      boolean cgroupsGone = Cgroups.remove(Cgroups.podPath(podUid));
      boolean unmounted = mountsUnder(dir).isEmpty();
      if (!(networkGone && cgroupsGone && unmounted && containers().stream().noneMatch(c -> c.podUid().equals(podUid)))) {
        log.warn("pod {}: not everything could be removed yet ({}); the next removal tries again", podUid, of(podUid));
        return false;
      }
      // never walk into a mount: a claim's data would go with it
      Unpacker.deleteTree(dir);
      return true;
    } catch (IOException e) {
      log.warn("removing pod {}: {}", podUid, e.getMessage());
      return false;
    }
  }

  /** A runc container of one of this data directory's pods. */
  record Container(String id, String podUid) {}

  /** runc's containers whose bundle lies under this data directory's pods, whether or not the bundle still exists. */
  List<Container> containers() {
    List<Container> out = new ArrayList<>();
    try {
      HostCommand.Result r = HostCommand.run(List.of(runc.toString(), "list", "--format", "json"), TIMEOUT);
      JsonNode list = r.ok() ? Json.MAPPER.readTree(r.stdout().isBlank() ? "null" : r.stdout()) : null;
      String prefix = podsDir.toAbsolutePath().normalize() + "/";
      if (list != null) {
        for (JsonNode c : list) {
          String bundle = c.path("bundle").asText();
          if (bundle.startsWith(prefix)) {
            out.add(new Container(c.path("id").asText(), bundle.substring(prefix.length()).split("/")[0]));
          }
        }
      }
    } catch (IOException e) {
      log.warn("listing runc's containers: {}", e.getMessage());
    }
    return out;
  }

  /** Mount points at or under the directory, outermost first. */
  static List<String> mountsUnder(Path dir) throws IOException {
    String target = dir.toAbsolutePath().normalize().toString();
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
      return lines.map(l -> l.split(" ")).filter(f -> f.length > 1)
          .map(f -> f[1].replace("\\040", " "))
          .filter(m -> m.equals(target) || m.startsWith(target + "/"))
          .distinct()
          .sorted(Comparator.comparingInt(String::length))
          .toList();
    }
  }

  private static boolean run(List<String> command) {
    try {
      return HostCommand.run(command, TIMEOUT).ok();
    } catch (IOException e) {
      log.warn("{}: {}", String.join(" ", command), e.getMessage());
      return false;
    }
  }
}
