package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ordinal.node.images.LocalRegistry;
import dev.ordinal.node.images.LocalRegistry.Layer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registry images on real pods, with the real kubectl: two real registries on loopback started
 * here (a team registry with TLS and htpasswd, a docker.io mirror with TLS and no auth), an image
 * built here as an OCI layout (busybox and a layer of its own) pushed with skopeo. A pod with the
 * pull secret, and one whose ServiceAccount has it, run the image and show its digest as imageID;
 * a wrong password gives ErrImagePull and then ImagePullBackOff with kubelet's events; with the
 * mirror configured, {@code image: busybox:1.36} comes from the mirror.
 */
class RegistryPullE2E extends RealPodsTestBase {
  static LocalRegistry team;
  static LocalRegistry mirror;
  static final List<String> CMD = List.of("/bin/busybox", "sh", "-c", "/bin/busybox cat /etc/greeting; exec /bin/busybox sleep 3600");

  @BeforeAll
  static void registries() throws Exception {
    team = new LocalRegistry(work.resolve("team-registry"), "alice", "s3cret");
    mirror = new LocalRegistry(work.resolve("mirror-registry"), null, null);
    Path root = TinyImage.busyboxRoot(work.resolve("busybox-root"));
    List<Layer> layers = List.of(Layer.copyOf(root), Layer.file("etc/greeting", "hello from the registry\n"));
    List<String> ids = List.of("busybox", "greeting");
    team.push("team/app:1", "alice:s3cret", CMD, layers, ids);
    mirror.push("library/busybox:1.36", null, CMD, layers, ids);
    Files.writeString(work.resolve("data/registries.yaml"), """
        mirrors:
          docker.io:
            endpoint: ["https://%1$s"]
        configs:
          "%1$s": {tls: {ca_file: %2$s}}
          "%3$s": {tls: {ca_file: %4$s}}
        """.formatted(mirror.host(), mirror.cert, team.host(), team.cert));
    ordinal.close(); // the node reads its registry configuration at start
    ordinal.start();
  }

  @AfterAll
  static void stopRegistries() throws Exception {
    try {
      if (kubectl != null) {
        kubectl.run("delete", "pods", "--all", "--grace-period=0", "--force");
      }
    } finally {
      for (LocalRegistry r : new LocalRegistry[] {team, mirror}) {
        if (r != null) {
          r.close();
        }
      }
    }
  }

  static String k(String... args) throws Exception {
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

  static String events(String pod) throws Exception {
    return k("get", "events", "--field-selector", "involvedObject.name=" + pod, "--sort-by=.metadata.name",
        "-o", "jsonpath={range .items[*]}{.reason}|{.message}{\"\\n\"}{end}");
  }

  @Test
  void aPodWithThePullSecretAndOneWhoseServiceAccountHasItRunTheImage() throws Exception {
    String image = team.host() + "/team/app:1";
    k("create", "secret", "docker-registry", "regcred", "--docker-server=" + team.host(), "--docker-username=alice",
        "--docker-password=s3cret");
    k("create", "serviceaccount", "puller");
    k("patch", "serviceaccount", "puller", "-p", "{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}");
    kubectl.runWithInput(pod("with-secret", image, "  imagePullSecrets: [{name: regcred}]\n") + "---\n"
        + pod("with-account", image, "  serviceAccountName: puller\n"), "apply", "-f", "-").ok();
    k("wait", "--for=condition=Ready", "pod/with-secret", "pod/with-account", "--timeout=90s");
    String digest = team.digest("team/app:1", "alice:s3cret");
    for (String p : List.of("with-secret", "with-account")) {
      assertThat(k("get", "pod", p, "-o", "jsonpath={.status.containerStatuses[0].imageID}")).isEqualTo(team.host() + "/team/app@" + digest);
      assertThat(k("get", "pod", p, "-o", "jsonpath={.status.containerStatuses[0].image}")).isEqualTo(image);
      assertThat(k("logs", p)).isEqualTo("hello from the registry\n");
    }
    assertThat(k("get", "pod", "with-secret", "-o", "jsonpath={.spec.containers[0].imagePullPolicy}")).isEqualTo("IfNotPresent");
    String said = events("with-secret");
    assertThat(said).contains("Pulling|Pulling image \"" + image + "\"\n");
    assertThat(said).containsPattern("Pulled\\|(Successfully pulled image \"" + image.replace(".", "\\.") + "\" in [0-9.]+m?s \\([0-9.]+m?s "
        + "including waiting\\)\\. Image size: \\d+ bytes\\. Source: pulled from https://" + team.host().replace(".", "\\.") + "/team/app\\."
        + "|Container image \"" + image.replace(".", "\\.") + "\" already present on machine \\(local store: pulled from https://.*\\))");
    assertThat(k("describe", "pod", "with-secret")).contains("Pulled").contains("pulled from https://" + team.host() + "/team/app");
  }

  @Test
  void aWrongPasswordGivesErrImagePullThenImagePullBackOff() throws Exception {
    String image = team.host() + "/team/app:1-denied";
    k("create", "secret", "docker-registry", "badcred", "--docker-server=" + team.host(), "--docker-username=alice",
        "--docker-password=wrong");
    kubectl.runWithInput(pod("denied", image, "  imagePullSecrets: [{name: badcred}]\n"), "apply", "-f", "-").ok();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(k("get", "pod", "denied", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}")).isEqualTo("ImagePullBackOff"));
    assertThat(k("get", "pod", "denied", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.message}"))
        .startsWith("Back-off pulling image \"" + image + "\": ErrImagePull: failed to pull and unpack image")
        .contains("refused the credentials of alice");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("denied"))
        .contains("Pulling|Pulling image \"" + image + "\"\n")
        .contains("Failed|Failed to pull image \"" + image + "\": failed to pull and unpack image")
        .contains("Failed|Error: ErrImagePull\n")
        .contains("BackOff|Back-off pulling image \"" + image + "\"\n")
        .contains("Failed|Error: ImagePullBackOff\n"));
    assertThat(k("get", "pod", "denied")).contains("ImagePullBackOff");
  }

  @Test
  void anUntaggedImageIsPulledAgainForEachNewPodAfterARePush() throws Exception {
    String image = team.host() + "/team/fresh";
    Path root = work.resolve("busybox-root");
    team.push("team/fresh:latest", "alice:s3cret", CMD, List.of(Layer.copyOf(root), Layer.file("etc/greeting", "first\n")),
        List.of("busybox", "first"));
    k("create", "secret", "docker-registry", "freshcred", "--docker-server=" + team.host(), "--docker-username=alice",
        "--docker-password=s3cret");
    kubectl.runWithInput(pod("fresh-1", image, "  imagePullSecrets: [{name: freshcred}]\n"), "apply", "-f", "-").ok();
    k("wait", "--for=condition=Ready", "pod/fresh-1", "--timeout=90s");
    assertThat(k("get", "pod", "fresh-1", "-o", "jsonpath={.spec.containers[0].imagePullPolicy}")).isEqualTo("Always");
    assertThat(k("logs", "fresh-1")).isEqualTo("first\n");
    team.push("team/fresh:latest", "alice:s3cret", CMD, List.of(Layer.copyOf(root), Layer.file("etc/greeting", "second\n")),
        List.of("busybox", "second"));
    kubectl.runWithInput(pod("fresh-2", image, "  imagePullSecrets: [{name: freshcred}]\n"), "apply", "-f", "-").ok();
    k("wait", "--for=condition=Ready", "pod/fresh-2", "--timeout=90s");
    assertThat(k("logs", "fresh-2")).isEqualTo("second\n");
    assertThat(k("get", "pod", "fresh-2", "-o", "jsonpath={.status.containerStatuses[0].imageID}"))
        .isEqualTo(team.host() + "/team/fresh@" + team.digest("team/fresh:latest", "alice:s3cret"))
        .isNotEqualTo(k("get", "pod", "fresh-1", "-o", "jsonpath={.status.containerStatuses[0].imageID}"));
    assertThat(events("fresh-2")).contains("Pulled|Successfully pulled image \"" + image + "\"");
  }

  @Test
  void aMirrorForDockerHubServesAnUnchangedName() throws Exception {
    kubectl.runWithInput(pod("hub", "busybox:1.36", ""), "apply", "-f", "-").ok();
    k("wait", "--for=condition=Ready", "pod/hub", "--timeout=90s");
    assertThat(k("get", "pod", "hub", "-o", "jsonpath={.status.containerStatuses[0].imageID}"))
        .isEqualTo("docker.io/library/busybox@" + mirror.digest("library/busybox:1.36", null));
    assertThat(k("logs", "hub")).isEqualTo("hello from the registry\n");
    assertThat(events("hub")).contains("Source: pulled from https://" + mirror.host() + "/library/busybox.");
  }
}
