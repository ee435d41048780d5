package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fsGroup on volumes, as kubelet's SetVolumeOwnership does it. */
class VolumeOwnershipTest {
  @TempDir Path dir;
  @TempDir Path outside;

  @ParameterizedTest(name = "{0} dir={1} ro={2} -> {3}")
  @CsvSource({
      "0644, false, false, 0664",
      "0600, false, false, 0660",
      "0400, false, true, 0440",
      "0755, true, false, 2775",
      "0777, true, false, 2777",
      "0755, true, true, 2755",
      "4755, false, false, 4775"})
  void modes(String current, boolean directory, boolean readOnly, String expected) {
    assertThat(Integer.toOctalString(VolumeOwnership.mode(Integer.parseInt(current, 8), directory, readOnly)))
        .isEqualTo(Integer.toOctalString(Integer.parseInt(expected, 8)));
  }

  @ParameterizedTest(name = "{0}: gid={1} mode={2} dir={3} -> skip={4}")
  @CsvSource({
      "OnRootMismatch, 2000, 2775, true, true",
      "OnRootMismatch, 2000, 2770, true, true",
      "OnRootMismatch, 2000, 0775, true, false", // no setgid
      "OnRootMismatch, 2000, 2750, true, false", // the group cannot write
      "OnRootMismatch, 0, 2775, true, false", // another group
      "OnRootMismatch, 2000, 2775, false, false", // not a directory
      "Always, 2000, 2775, true, false"})
  void onRootMismatchSkipsOnlyARootThatAlreadyMatches(String policy, long gid, String mode, boolean directory, boolean skip) {
    assertThat(VolumeOwnership.skip(policy, gid, Integer.parseInt(mode, 8), directory, 2000, false)).isEqualTo(skip);
  }

  static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  static int gid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:gid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void theWalkGivesEveryFileTheGroupAndOnRootMismatchLeavesAMatchingRootAlone() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "chown to another group needs root");
    Path sub = Files.createDirectories(dir.resolve("a/b"));
    Path file = Files.writeString(sub.resolve("f"), "x");
    Files.setAttribute(file, "unix:mode", 0600);
    Path target = Files.writeString(outside.resolve("target"), "t");
    Files.setAttribute(target, "unix:mode", 0600);
    Files.createSymbolicLink(dir.resolve("link"), target);

    VolumeOwnership.apply(dir, 2000, "Always", false);
    assertThat(gid(dir)).isEqualTo(2000);
    assertThat(mode(dir) & 02070).isEqualTo(02070);
    assertThat(gid(sub)).isEqualTo(2000);
    assertThat(mode(sub) & 02000).isEqualTo(02000);
    assertThat(gid(file)).isEqualTo(2000);
    assertThat(Integer.toOctalString(mode(file))).isEqualTo("660");
    assertThat(gid(dir.resolve("link"))).as("the link itself").isEqualTo(2000);
    assertThat(Integer.toOctalString(mode(target))).as("never the link's target").isEqualTo("600");
    assertThat(gid(target)).isZero();

    // the root matches: OnRootMismatch does not walk, so a file changed since keeps its mode
    Files.setAttribute(file, "unix:gid", 0);
    VolumeOwnership.apply(dir, 2000, "OnRootMismatch", false);
    assertThat(gid(file)).isZero();
    VolumeOwnership.apply(dir, 2000, "Always", false);
    assertThat(gid(file)).isEqualTo(2000);
    // the root does not match: it walks
    Files.setAttribute(file, "unix:gid", 0);
    Files.setAttribute(dir, "unix:gid", 0);
    VolumeOwnership.apply(dir, 2000, "OnRootMismatch", false);
    assertThat(gid(file)).isEqualTo(2000);
  }

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  @Test
  void theVolumesKubeletManagesGetTheGroupAndHostPathsDoNot() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "chown to another group needs root");
    Path claimDir = Files.createDirectories(dir.resolve("claim"));
    Path manual = Files.createDirectories(dir.resolve("manual"));
    Path host = Files.createDirectories(dir.resolve("host"));
    PodResources resources = new PodResources() {
      @Override
      public Optional<ObjectNode> configMap(String namespace, String name) {
        return Optional.of(obj("{'data':{'k':'v'}}"));
      }

      @Override
      public Optional<ObjectNode> secret(String namespace, String name) {
        return Optional.of(obj("{'data':{'s':'eA=='}}"));
      }

      @Override
      public Optional<ObjectNode> claim(String namespace, String name) {
        return Optional.of(obj("{'spec':{'volumeName':'pv-" + name + "'}}"));
      }

      @Override
      public Optional<ObjectNode> volume(String name) {
        return Optional.of(name.equals("pv-data")
            ? obj("{'metadata':{'annotations':{'pv.kubernetes.io/provisioned-by':'ordinal.dev/local-path'}},'spec':{'hostPath':{'path':'"
                + claimDir + "'}}}")
            : obj("{'metadata':{},'spec':{'hostPath':{'path':'" + manual + "'}}}"));
      }

      @Override
      public List<ObjectNode> services(String namespace) {
        return List.of();
      }
    };
    ObjectNode pod = obj("{'metadata':{'name':'p','namespace':'d','uid':'u1'},'spec':{'securityContext':{'fsGroup':2000},'volumes':["
        + "{'name':'data','persistentVolumeClaim':{'claimName':'data'}},"
        + "{'name':'byhand','persistentVolumeClaim':{'claimName':'byhand'}},"
        + "{'name':'host','hostPath':{'path':'" + host + "'}},"
        + "{'name':'scratch','emptyDir':{}},"
        + "{'name':'cfg','configMap':{'name':'cfg'}},"
        + "{'name':'sec','secret':{'secretName':'sec','defaultMode':256}}]}}");
    Path podDir = dir.resolve("pod");
    Map<String, Path> volumes = new PodVolumes(resources, new LoopVolumes(podDir.resolve("volumes"))).prepare(pod, podDir, "10.88.0.9");
    assertThat(gid(claimDir)).isEqualTo(2000);
    assertThat(mode(claimDir) & 02070).isEqualTo(02070);
    assertThat(gid(manual)).as("a hand-made hostPath PV, as upstream").isZero();
    assertThat(gid(host)).as("a hostPath volume, as upstream").isZero();
    assertThat(gid(volumes.get("scratch"))).isEqualTo(2000);
    assertThat(Integer.toOctalString(mode(volumes.get("scratch")))).isEqualTo("2777");
    assertThat(gid(volumes.get("cfg").resolve("k"))).isEqualTo(2000);
    assertThat(Integer.toOctalString(mode(volumes.get("cfg").resolve("k")))).isEqualTo("644");
    assertThat(Integer.toOctalString(mode(volumes.get("sec").resolve("s")))).as("0400 and group read").isEqualTo("440");
    assertThat(mode(volumes.get("cfg")) & 02000).isEqualTo(02000);

    // a second sync changes nothing back
    new PodVolumes(resources, new LoopVolumes(podDir.resolve("volumes"))).prepare(pod, podDir, "10.88.0.9");
    assertThat(Integer.toOctalString(mode(volumes.get("sec").resolve("s")))).isEqualTo("440");
    assertThat(Integer.toOctalString(mode(volumes.get("scratch")))).isEqualTo("2777");
  }
}
