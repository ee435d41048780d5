package dev.ordinal.bench;

import dev.ordinal.node.images.ImagePuller;
import dev.ordinal.node.images.ImageStore;
import dev.ordinal.node.images.LocalRegistry;
import dev.ordinal.node.images.LocalRegistry.Layer;
import dev.ordinal.node.images.Unpacker;
import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.RegistryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Image pulls from a local registry (Debian's docker-registry on loopback, TLS), by Ordinal
 * against {@code skopeo copy} of the same image, in one run: an image of 5 layers of 20 MB of
 * random (incompressible) bytes, and a second image sharing its first 4 layers.
 * <ul>
 *   <li>cold: an empty store (Ordinal: fetch, verify, gunzip, diff_id check, unpack every layer
 *       into the store) against {@code skopeo copy docker://… dir:EMPTY} (fetch and write the
 *       compressed blobs, no unpacking);</li>
 *   <li>warm: the second image with the 4 shared layers already there (Ordinal's store; skopeo
 *       into the same OCI layout, which reuses the blobs it has).</li>
 * </ul>
 * Needs root (unpacked layers keep their owners). {@code runs} (default 3) of each after one
 * uncounted warm-up round, medians.
 */
public final class PullBench {
  static final int LAYERS = 5;
  static final long LAYER_BYTES = 20L << 20;

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path work = Files.createTempDirectory("ordinal-pull-bench");
    try (LocalRegistry registry = new LocalRegistry(work.resolve("registry"), null, null)) {
      List<Layer> layers = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < LAYERS; i++) {
        layers.add(Layer.random("blob" + i, LAYER_BYTES, i));
        ids.add("random" + i);
      }
      System.err.println("building and pushing two images of " + LAYERS + " x " + (LAYER_BYTES >> 20) + " MB ...");
      registry.push("bench/app:1", null, List.of("sh"), layers, ids);
      List<Layer> second = new ArrayList<>(layers.subList(0, LAYERS - 1));
      second.add(Layer.random("blob-other", LAYER_BYTES, 99));
      List<String> secondIds = new ArrayList<>(ids.subList(0, LAYERS - 1));
      secondIds.add("other");
      registry.push("bench/app:2", null, List.of("sh"), second, secondIds);
      RegistryConfig config = new RegistryConfig(Map.of(), Map.of(registry.host(), new RegistryConfig.HostConfig(Optional.empty(),
          registry.cert, null, null, false)));
      List<Double> ordCold = new ArrayList<>();
      List<Double> ordWarm = new ArrayList<>();
      List<Double> skoCold = new ArrayList<>();
      List<Double> skoWarm = new ArrayList<>();
      long size = 0;
      // round 0 warms up (the JIT, the registry's page cache) and is not counted: Ordinal's puller runs in a long-lived server
      for (int r = -1; r < runs; r++) {
        if (r == 0) {
          ordCold.clear();
          ordWarm.clear();
          skoCold.clear();
          skoWarm.clear();
        }
        Path dir = work.resolve("run" + (r + 1));
        // alternate who goes first, so that neither always meets a cold page cache of the registry's files
        for (boolean ordinalFirst : new boolean[] {(r & 1) == 0, (r & 1) != 0}) {
          if (ordinalFirst) {
            ImageStore store = new ImageStore(dir.resolve("ordinal"));
            ImagePuller puller = new ImagePuller(store, config);
            long t = System.nanoTime();
            ImagePuller.Pulled p = puller.pull(registry.host() + "/bench/app:1", DockerConfig.NONE);
            ordCold.add(seconds(t));
            size = p.size();
            t = System.nanoTime();
            puller.pull(registry.host() + "/bench/app:2", DockerConfig.NONE);
            ordWarm.add(seconds(t));
          } else {
            long t = System.nanoTime();
            registry.copy("docker://" + registry.host() + "/bench/app:1", "dir:" + Files.createDirectories(dir.resolve("skopeo-dir")), null);
            skoCold.add(seconds(t));
            Path layout = dir.resolve("skopeo-oci");
            registry.copy("docker://" + registry.host() + "/bench/app:1", "oci:" + layout + ":one", null);
            t = System.nanoTime();
            registry.copy("docker://" + registry.host() + "/bench/app:2", "oci:" + layout + ":two", null);
            skoWarm.add(seconds(t));
          }
        }
        Unpacker.deleteTree(dir);
        System.err.printf(Locale.ROOT, "run %d: ordinal cold %.2f s warm %.2f s; skopeo cold %.2f s warm %.2f s%n", r + 1,
            ordCold.getLast(), ordWarm.getLast(), skoCold.getLast(), skoWarm.getLast());
      }
      System.out.printf(Locale.ROOT, "| pull of %d layers x %d MB (%d MB unpacked), %d runs | median | min – max |%n", LAYERS,
          LAYER_BYTES >> 20, size >> 20, runs);
      System.out.println("|---|---|---|");
      row("Ordinal, cold (fetch, verify, unpack into the store)", ordCold);
      row("skopeo copy to dir:, cold (fetch, write blobs)", skoCold);
      row("ratio Ordinal / skopeo, cold", ratio(ordCold, skoCold));
      row("Ordinal, second image sharing 4 of 5 layers", ordWarm);
      row("skopeo copy to the same oci: layout, second image", skoWarm);
    } finally {
      Unpacker.deleteTree(work);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static List<Double> ratio(List<Double> a, List<Double> b) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.get(i) / b.get(i));
    }
    return out;
  }

  private static void row(String what, List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f – %.2f |%n", what, sorted.get(sorted.size() / 2), sorted.getFirst(), sorted.getLast());
  }
}
