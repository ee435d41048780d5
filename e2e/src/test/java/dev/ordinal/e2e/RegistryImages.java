package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ordinal.node.images.LocalRegistry;
import dev.ordinal.node.images.LocalRegistry.Layer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the registry e2e tests share: the images they build (the host's busybox as a first layer,
 * a greeting of their own on top, printed at start), the node's registry configuration, kubectl
 * helpers for pods of such images, and a look at the node's image store.
 */
final class RegistryImages {
  /** Prints /etc/greeting, then sleeps. */
  static final List<String> CMD = List.of("/bin/busybox", "sh", "-c", "/bin/busybox cat /etc/greeting; exec /bin/busybox sleep 3600");

  private RegistryImages() {}

  /** The layers of an image saying {@code greeting}: busybox (made once under {@code work}), then the greeting. */
  static List<Layer> layers(Path work, String greeting) throws Exception {
    Path root = work.resolve("busybox-root");
    if (!Files.exists(root)) {
      TinyImage.busyboxRoot(root);
    }
    return List.of(Layer.copyOf(root), Layer.file("etc/greeting", greeting));
  }

  /** The ids of those layers: images with equal ids share the layers' blobs. */
  static List<String> ids(String greetingId) {
    return List.of("busybox", greetingId);
  }

  /**
   * Writes the node's {@code registries.yaml} (docker.io mirrored at {@code dockerIoMirror} when
   * not null; each host trusting its CA file) and restarts the server, which reads it at start.
   */
  static void configure(OrdinalProcess ordinal, String dockerIoMirror, Map<String, Path> caFiles) throws Exception {
    StringBuilder yaml = new StringBuilder();
    if (dockerIoMirror != null) {
      yaml.append("mirrors:\n  docker.io:\n    endpoint: [\"https://").append(dockerIoMirror).append("\"]\n");
    }
    yaml.append("configs:\n");
    caFiles.forEach((host, ca) -> yaml.append("  \"").append(host).append("\": {tls: {ca_file: ").append(ca).append("}}\n"));
    Files.writeString(ordinal.dataDir().resolve("registries.yaml"), yaml);
    ordinal.close();
    ordinal.start();
  }

  static String k(Kubectl kubectl, String... args) throws Exception {
    return kubectl.run(args).ok().out();
  }

  static String pod(String name, String image, String extra) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          terminationGracePeriodSeconds: 1
        %s  containers:
          - name: app
            image: %s
        """.formatted(name, extra, image);
  }

  /** A pod's events, {@code reason|message} a line. */
  static String events(Kubectl kubectl, String pod) throws Exception {
    return k(kubectl, "get", "events", "--field-selector", "involvedObject.name=" + pod, "--sort-by=.metadata.name",
        "-o", "jsonpath={range .items[*]}{.reason}|{.message}{\"\\n\"}{end}");
  }

  /**
   * Waits for a pod whose pull fails to go from ErrImagePull to ImagePullBackOff, then checks
   * kubelet's events and the waiting message, each saying {@code why}; returns the pull's error.
   */
  static String awaitPullBackOff(Kubectl kubectl, String pod, String image, String why) throws Exception {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(k(kubectl, "get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}"))
            .isEqualTo("ImagePullBackOff"));
    String message = k(kubectl, "get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].state.waiting.message}");
    assertThat(message).startsWith("Back-off pulling image \"" + image + "\": ErrImagePull: failed to pull and unpack image").contains(why);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(kubectl, pod))
        .contains("Pulling|Pulling image \"" + image + "\"\n")
        .containsPattern("Failed\\|Failed to pull image \"" + java.util.regex.Pattern.quote(image) + "\": failed to pull and unpack image .*"
            + java.util.regex.Pattern.quote(why))
        .contains("Failed|Error: ErrImagePull\n")
        .contains("BackOff|Back-off pulling image \"" + image + "\"\n")
        .contains("Failed|Error: ImagePullBackOff\n"));
    return message.substring(message.indexOf("ErrImagePull: ") + "ErrImagePull: ".length());
  }

  /**
   * What the node's store holds: its names ({@code refs.json}'s keys) and the entries of
   * {@code layers/}, {@code images/} and {@code blobs/sha256/} (the layout docs/images.md gives).
   */
  static TreeSet<String> stored(OrdinalProcess ordinal) throws Exception {
    Path root = ordinal.dataDir().resolve("images");
    TreeSet<String> out = new TreeSet<>();
    Path refs = root.resolve("refs.json");
    if (Files.exists(refs)) {
      dev.ordinal.api.Json.MAPPER.readTree(refs.toFile()).fieldNames().forEachRemaining(n -> out.add("ref " + n));
    }
    for (String dir : List.of("layers", "images", "blobs/sha256")) {
      for (Path p : list(root.resolve(dir))) {
        out.add(dir + "/" + p.getFileName());
      }
    }
    return out;
  }

  /** The entries of the store's {@code tmp/}: what writers have under way (or a crash left). */
  static List<Path> partials(OrdinalProcess ordinal) throws Exception {
    return list(ordinal.dataDir().resolve("images/tmp"));
  }

  static List<Path> list(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.sorted().toList());
    }
  }
}
