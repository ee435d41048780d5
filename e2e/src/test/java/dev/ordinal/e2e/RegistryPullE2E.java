package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.api.Json;
import dev.ordinal.node.images.LocalRegistry;
import dev.ordinal.node.images.LocalRegistry.Layer;
import dev.ordinal.node.images.MultiPlatformLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registry images on real pods, with the real kubectl: two real registries on loopback started
 * here (a team registry with TLS and htpasswd, a docker.io mirror with TLS and no auth), an image
 * built here as an OCI layout (busybox and a layer of its own) pushed with skopeo. A pod with the
 * pull secret, and one whose ServiceAccount has it, run the image and show its digest as imageID;
 * a wrong password gives ErrImagePull and then ImagePullBackOff with kubelet's events; with the
 * mirror configured, {@code image: busybox:1.36} comes from the mirror. A two-platform index runs
 * its amd64 image; an unknown tag, a tampered blob and an index without amd64 each give their
 * own message and store nothing. (A crash mid-pull: {@link RegistryPullCrashE2E}.)
 */
class RegistryPullE2E extends RealPodsTestBase {
  static LocalRegistry team;
  static LocalRegistry mirror;
  static final List<String> CMD = RegistryImages.CMD;
  static boolean indexesPushed;

  @BeforeAll
  static void registries() throws Exception {
    team = new LocalRegistry(work.resolve("team-registry"), "alice", "s3cret");
    mirror = new LocalRegistry(work.resolve("mirror-registry"), null, null);
    List<Layer> layers = RegistryImages.layers(work, "hello from the registry\n");
    List<String> ids = RegistryImages.ids("greeting");
    team.push("team/app:1", "alice:s3cret", CMD, layers, ids);
    mirror.push("library/busybox:1.36", null, CMD, layers, ids);
    RegistryImages.configure(ordinal, mirror.host(), Map.of(mirror.host(), mirror.cert, team.host(), team.cert));
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
    return RegistryImages.k(kubectl, args);
  }

  static String pod(String name, String image, String extra) {
    return RegistryImages.pod(name, image, extra);
  }

  static String events(String pod) throws Exception {
    return RegistryImages.events(kubectl, pod);
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
    RegistryImages.awaitPullBackOff(kubectl, "denied", image, "refused the credentials of alice");
    assertThat(k("get", "pod", "denied")).contains("ImagePullBackOff");
  }

  @Test
  void anUntaggedImageIsPulledAgainForEachNewPodAfterARePush() throws Exception {
    String image = team.host() + "/team/fresh";
    team.push("team/fresh:latest", "alice:s3cret", CMD, RegistryImages.layers(work, "first\n"), RegistryImages.ids("first"));
    k("create", "secret", "docker-registry", "freshcred", "--docker-server=" + team.host(), "--docker-username=alice",
        "--docker-password=s3cret");
    kubectl.runWithInput(pod("fresh-1", image, "  imagePullSecrets: [{name: freshcred}]\n"), "apply", "-f", "-").ok();
    k("wait", "--for=condition=Ready", "pod/fresh-1", "--timeout=90s");
    assertThat(k("get", "pod", "fresh-1", "-o", "jsonpath={.spec.containers[0].imagePullPolicy}")).isEqualTo("Always");
    assertThat(k("logs", "fresh-1")).isEqualTo("first\n");
    team.push("team/fresh:latest", "alice:s3cret", CMD, RegistryImages.layers(work, "second\n"), RegistryImages.ids("second"));
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

  /** An image index of an amd64 and an arm64 image (each saying which) and BuildKit's attestation entry; and one without amd64. */
  static void pushIndexes() throws Exception {
    if (indexesPushed) {
      return;
    }
    indexesPushed = true;
    Path layout = team.ociLayout(CMD, RegistryImages.layers(work, "amd64\n"), RegistryImages.ids("amd64"));
    team.ociLayout(CMD, RegistryImages.layers(work, "arm64\n"), RegistryImages.ids("arm64"));
    String amd64 = LocalRegistry.tagOf(CMD, RegistryImages.ids("amd64"));
    String arm64 = LocalRegistry.tagOf(CMD, RegistryImages.ids("arm64"));
    team.pushIndex(MultiPlatformLayout.write(layout, work.resolve("index-both"), "both", List.of(
        new MultiPlatformLayout.Entry(arm64, "linux", "arm64", "v8"), new MultiPlatformLayout.Entry(amd64, "linux", "amd64", "")), true),
        "both", "team/multi:1", "alice:s3cret");
    team.pushIndex(MultiPlatformLayout.write(layout, work.resolve("index-arm"), "arm", List.of(
        new MultiPlatformLayout.Entry(arm64, "linux", "arm64", "v8")), true), "arm", "team/multi:arm-only", "alice:s3cret");
  }

  @Test
  void aTwoPlatformIndexRunsItsAmd64Image() throws Exception {
    pushIndexes();
    String image = team.host() + "/team/multi:1";
    k("create", "secret", "docker-registry", "multicred", "--docker-server=" + team.host(), "--docker-username=alice",
        "--docker-password=s3cret");
    kubectl.runWithInput(pod("multi", image, "  imagePullSecrets: [{name: multicred}]\n"), "apply", "-f", "-").ok();
    k("wait", "--for=condition=Ready", "pod/multi", "--timeout=90s");
    assertThat(k("logs", "multi")).isEqualTo("amd64\n");
    assertThat(k("get", "pod", "multi", "-o", "jsonpath={.status.containerStatuses[0].imageID}"))
        .as("the index's digest, as containerd reports it").isEqualTo(team.host() + "/team/multi@" + team.digest("team/multi:1", "alice:s3cret"));
  }

  /**
   * A tag the registry does not have, a layer overwritten in the registry's storage after the push,
   * and an index without linux/amd64 (its attestation entry is no image either): each pod gets
   * ErrImagePull then ImagePullBackOff with its own reason, and the node's store is as it was.
   */
  @Test
  void anUnknownTagATamperedBlobAndAnIndexWithoutAmd64EachSayWhyAndStoreNothing() throws Exception {
    pushIndexes();
    team.push("team/tampered:1", "alice:s3cret", "a layer only this image has");
    String layer = Json.MAPPER.readTree(team.rawManifest("team/tampered:1", "alice:s3cret")).path("layers").get(0).path("digest").asText();
    Path data = team.blobData(layer);
    byte[] junk = new byte[(int) Files.size(data)]; // the same size: the registry serves it as it stands, unchecked
    new Random(12).nextBytes(junk);
    Files.write(data, junk);
    k("create", "secret", "docker-registry", "failcred", "--docker-server=" + team.host(), "--docker-username=alice",
        "--docker-password=s3cret");
    TreeSet<String> before = RegistryImages.stored(ordinal);
    String unknown = team.host() + "/team/app:no-such-tag";
    String tampered = team.host() + "/team/tampered:1";
    String armOnly = team.host() + "/team/multi:arm-only";
    String secret = "  imagePullSecrets: [{name: failcred}]\n";
    kubectl.runWithInput(pod("unknown-tag", unknown, secret) + "---\n" + pod("tampered", tampered, secret) + "---\n"
        + pod("arm-only", armOnly, secret), "apply", "-f", "-").ok();

    assertThat(RegistryImages.awaitPullBackOff(kubectl, "unknown-tag", unknown, ": not found")).isEqualTo("failed to pull and unpack image \""
        + unknown + "\": failed to resolve reference \"" + unknown + "\": " + unknown + ": not found");
    assertThat(RegistryImages.awaitPullBackOff(kubectl, "tampered", tampered, "unexpected commit digest"))
        .startsWith("failed to pull and unpack image \"" + tampered + "\": failed commit on ref \"layer-" + layer
            + "\": unexpected commit digest sha256:")
        .endsWith(", expected " + layer + ": failed precondition");
    assertThat(RegistryImages.awaitPullBackOff(kubectl, "arm-only", armOnly, "no match for platform in manifest"))
        .isEqualTo("failed to pull and unpack image \"" + armOnly + "\": no match for platform in manifest: not found (this node runs "
            + "linux/amd64; the image has linux/arm64/v8)");
    assertThat(k("describe", "pod", "unknown-tag")).contains("ImagePullBackOff").contains(unknown + ": not found");
    assertThat(k("describe", "pod", "tampered")).contains("ImagePullBackOff").contains("unexpected commit digest");
    assertThat(k("describe", "pod", "arm-only")).contains("ImagePullBackOff").contains("no match for platform in manifest");

    assertThat(RegistryImages.stored(ordinal)).as("no name, layer, image or blob was added").isEqualTo(before);
    assertThat(RegistryImages.partials(ordinal)).as("nothing left in the store's tmp/").isEmpty();
  }
}
