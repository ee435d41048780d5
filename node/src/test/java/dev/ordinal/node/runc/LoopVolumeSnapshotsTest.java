package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.controllers.volume.VolumeBacking;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of loop-mounted XFS volumes on this host (root, loop devices, xfsprogs): the copy is
 * taken with the filesystem frozen and thawed after, and restores beside its still-mounted source
 * (a UUID of its own), grown to the new claim's size, with the data as at the snapshot.
 */
class LoopVolumeSnapshotsTest {
  static final long MI = 1024 * 1024;
  @TempDir Path dir;
  LoopVolumes volumes;
  ObjectNode source;
  ObjectNode restored;

  static ObjectNode pv(String name, VolumeBacking.Made made, String size) {
    ObjectNode pv = Json.object();
    ObjectNode annotations = pv.putObject("metadata").put("name", name).putObject("annotations");
    made.annotations().forEach(annotations::put);
    ObjectNode spec = pv.putObject("spec").put("volumeMode", "Filesystem");
    spec.putObject("capacity").put("storage", size);
    spec.putObject("hostPath").put("path", made.path());
    return pv;
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (ObjectNode pv : new ObjectNode[] {restored, source}) {
      if (pv != null) {
        volumes.delete(pv);
      }
    }
  }

  @Test
  void aFrozenCopyRestoresBesideItsSourceAndGrows() throws Exception {
    assumeTrue(LoopVolumes.available() && "root".equals(System.getProperty("user.name")), "needs root, loop devices and xfsprogs");
    volumes = new LoopVolumes(dir);
    source = pv("pvc-a", volumes.create("pvc-a", 64 * MI, false), "64Mi");
    Path data = Path.of(source.path("spec").path("hostPath").path("path").asText());
    Files.writeString(data.resolve("file"), "before");

    VolumeBacking.Copy copy = volumes.snapshot(source, "snapcontent-1");
    assertThat(copy.bytes()).isEqualTo(64 * MI);
    assertThat(Path.of(copy.handle())).isEqualTo(dir.resolve("snapshots/snapcontent-1.img"));
    assertThat(volumes.snapshotExists(copy.handle())).isTrue();
    // thawed: the source takes writes again
    Files.writeString(data.resolve("file"), "after");
    assertThat(volumes.snapshot(source, "snapcontent-1")).as("taken once").isEqualTo(copy);

    restored = pv("pvc-b", volumes.restore("pvc-b", copy.handle(), 100 * MI, false), "100Mi");
    Path back = Path.of(restored.path("spec").path("hostPath").path("path").asText());
    assertThat(RuncContainer.mounted(back)).isTrue();
    assertThat(back.resolve("file")).hasContent("before");
    assertThat(Files.getFileStore(back).getTotalSpace()).isGreaterThan(80 * MI);
    assertThat(data.resolve("file")).hasContent("after");

    assertThat(volumes.deleteSnapshot(copy.handle())).isTrue();
    assertThat(Path.of(copy.handle())).doesNotExist();
    assertThat(volumes.deleteSnapshot("/etc/passwd")).as("never outside the volumes root").isFalse();
  }
}
