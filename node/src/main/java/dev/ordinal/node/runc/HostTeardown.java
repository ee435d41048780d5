package dev.ordinal.node.runc;

import dev.ordinal.node.images.Unpacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code ordinal down} removes from the host for one data directory, found on the host itself. */
public final class HostTeardown {
  private HostTeardown() {}

  /**
   * {@code ordinal down}: removes everything the pods of this data directory hold on the host —
   * containers (and their conmon), mounts, network namespaces, address reservations, cgroups and
   * the pods' directories (emptyDir volumes with them), the claims' mounts and loop devices — then the shared bridge, the Service rules
   * and the parent cgroup once no pod of any instance is left. Claims, images and the database stay,
   * so the next {@code ordinal up} starts the same pods again.
   *
   * @return what could not be removed, one line each; empty when the host is clean
   */
  public static List<String> stopEverything(RuncRuntime.Config config) throws IOException {
    Path podsDir = config.dataDir().resolve("pods");
    List<String> left = new ArrayList<>();
    if (Files.isDirectory(podsDir)) {
      PodNetwork network = new PodNetwork(config.cniPlugins(), config.dataDir().resolve("cni"), config.podCidr());
      PodRemnants remnants = new PodRemnants(config.runc(), podsDir, network);
      for (String uid : remnants.held()) {
        if (!remnants.remove(uid)) {
          remnants.of(uid).forEach(l -> left.add(uid + ": " + l));
        }
      }
    }
    // the claims' filesystems and devices, once no pod uses them (their files stay for the next start)
    left.addAll(new LoopVolumes(config.dataDir().resolve("volumes")).detachAll());
    Path socketDir = RuncRuntime.socketDir(config.dataDir());
    if (Files.isDirectory(socketDir)) {
      Unpacker.deleteTree(socketDir);
    }
    if (!PodNetwork.anyNamespace()) {
      PodNetwork.removeBridge();
      Cgroups.removeParentIfEmpty();
    }
    return left;
  }
}
