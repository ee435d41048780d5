package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claims with a real capacity on real pods: a pod filling its 50 Mi claim gets ENOSPC while the
 * host gives the claim no more than 50 Mi; the claim grown to 100 Mi lets the same container go on
 * writing without a restart; shrinking is refused with upstream's 422; a StatefulSet's claim
 * template raised from 50 Mi to 80 Mi grows every claim of the set, and a new replica's claim is
 * made at 80 Mi.
 */
class VolumeCapacityE2E extends RealPodsTestBase {
  static final long MI = 1024 * 1024;

  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", "cap").ok();
  }

  String k(String... args) throws Exception {
    return kubectl.run(prefixed(args)).ok().out();
  }

  static String[] prefixed(String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "-n";
    full[1] = "cap";
    System.arraycopy(args, 0, full, 2, args.length);
    return full;
  }

  /** Bytes the host has given a volume's backing file (its allocated blocks, not its size). */
  static long allocated(String pvName) throws Exception {
    Path image = work.resolve("data").resolve("volumes").resolve(pvName + ".img");
    assertThat(image).exists();
    String[] blocks = HostLeftovers.run("stat", "-c", "%b %B", image.toString()).strip().split(" ");
    return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
  }

  @Test
  void aPodFillsItsClaimThenTheClaimGrowsUnderIt() throws Exception {
    kubectl.apply(work, "capacity.yaml", """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: cap}
        spec:
          accessModes: ["ReadWriteOnce"]
          resources: {requests: {storage: 50Mi}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: writer, namespace: cap}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: ["sleep", "3600"]
            volumeMounts: [{name: data, mountPath: /data}]
          volumes:
          - name: data
            persistentVolumeClaim: {claimName: data}
        """).ok();
    k("wait", "--for=condition=Ready", "pod/writer", "--timeout=60s");
    String pv = k("get", "pvc", "data", "-o", "jsonpath={.spec.volumeName}");
    assertThat(k("get", "pvc", "data", "-o", "jsonpath={.status.capacity.storage}")).isEqualTo("50Mi");
    String uid = k("get", "pod", "writer", "-o", "jsonpath={.metadata.uid}");

    Kubectl.Result fill = kubectl.run(prefixed("exec", "writer", "--", "dd", "if=/dev/zero", "of=/data/fill", "bs=1M", "count=100"));
    assertThat(fill.exitCode()).isNotZero();
    assertThat(fill.err()).contains("No space left on device");
    long written = Long.parseLong(k("exec", "writer", "--", "stat", "-c", "%s", "/data/fill").strip());
    assertThat(written).isBetween(30 * MI, 50 * MI);
    // the host gave the claim at most its size, however much the pod tried to write
    assertThat(allocated(pv)).isLessThanOrEqualTo(50 * MI);

    Kubectl.Result shrink = kubectl.run(prefixed("patch", "pvc", "data", "--type=merge", "-p",
        "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"40Mi\"}}}}"));
    assertThat(shrink.exitCode()).isNotZero();
    assertThat(shrink.err()).contains("spec.resources.requests.storage: Forbidden: field can not be less than status.capacity");

    k("patch", "pvc", "data", "--type=merge", "-p", "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"100Mi\"}}}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> k("get", "pvc", "data", "-o", "jsonpath={.status.capacity.storage}").equals("100Mi"));
    assertThat(k("get", "pv", pv, "-o", "jsonpath={.spec.capacity.storage}")).isEqualTo("100Mi");
    assertThat(k("get", "pvc", "data", "-o", "jsonpath={.status.allocatedResources.storage}")).isEqualTo("100Mi");
    assertThat(k("get", "events", "--field-selector", "involvedObject.name=data", "-o", "jsonpath={.items[*].reason}"))
        .contains("Resizing").contains("VolumeResizeSuccessful").contains("FileSystemResizeSuccessful");
    // the same container writes on: no restart, the filesystem grew under it
    k("exec", "writer", "--", "dd", "if=/dev/zero", "of=/data/more", "bs=1M", "count=40");
    assertThat(k("get", "pod", "writer", "-o", "jsonpath={.metadata.uid} {.status.containerStatuses[0].restartCount}"))
        .isEqualTo(uid + " 0");
    assertThat(allocated(pv)).isLessThanOrEqualTo(100 * MI);
  }

  @Test
  void aStatefulSetsClaimTemplateGrowsEveryClaim() throws Exception {
    kubectl.apply(work, "grow-sts.yaml", set("50Mi", 2)).ok();
    await().atMost(Duration.ofSeconds(60)).until(() -> k("get", "sts", "grow", "-o", "jsonpath={.status.readyReplicas}").equals("2"));
    kubectl.apply(work, "grow-sts.yaml", set("80Mi", 2)).ok();
    await().atMost(Duration.ofSeconds(40)).until(() -> k("get", "pvc", "data-grow-0", "data-grow-1", "-o",
        "jsonpath={.items[*].status.capacity.storage}").equals("80Mi 80Mi"));
    String[] fs = k("exec", "grow-1", "--", "stat", "-f", "-c", "%b %S", "/data").strip().split(" ");
    long size = Long.parseLong(fs[0]) * Long.parseLong(fs[1]);
    assertThat(size).isGreaterThan(70 * MI);
    assertThat(k("get", "events", "--field-selector", "involvedObject.name=grow", "-o", "jsonpath={.items[*].message}"))
        .contains("resize Claim data-grow-0 Pod grow-0 in StatefulSet grow to 80Mi success")
        .contains("resize Claim data-grow-1 Pod grow-1 in StatefulSet grow to 80Mi success");
    kubectl.apply(work, "grow-sts.yaml", set("80Mi", 3)).ok();
    await().atMost(Duration.ofSeconds(40)).until(() -> k("get", "pvc", "data-grow-2", "--ignore-not-found", "-o",
        "jsonpath={.spec.resources.requests.storage}").equals("80Mi"));
    try (Stream<Path> left = Files.list(work.resolve("data").resolve("volumes"))) {
      assertThat(left.filter(p -> p.toString().endsWith(".img")).count()).isGreaterThanOrEqualTo(2);
    }
  }

  static String set(String size, int replicas) {
    return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: grow, namespace: cap}
        spec:
          serviceName: grow
          replicas: %d
          podManagementPolicy: Parallel
          selector: {matchLabels: {app: grow}}
          template:
            metadata: {labels: {app: grow}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: ["sleep", "3600"]
                volumeMounts: [{name: data, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: ["ReadWriteOnce"]
              resources: {requests: {storage: %s}}
        """.formatted(replicas, size);
  }

  /**
   * Issue 17: a volumeMode Block claim is a raw block device in the container at its devicePath,
   * of the claim's size, that dd and mkfs can use; the same claim named in volumeMounts is refused.
   */
  @Test
  void aBlockClaimIsABlockDeviceInThePod() throws Exception {
    kubectl.apply(work, "block.yaml", """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: raw, namespace: cap}
        spec:
          accessModes: ["ReadWriteOnce"]
          volumeMode: Block
          resources: {requests: {storage: 40Mi}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: blockuser, namespace: cap}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: sh
            image: busybox
            command: ["sh", "-c", "sleep 3600"]
            volumeDevices:
            - {name: raw, devicePath: /dev/xvda}
          volumes:
          - name: raw
            persistentVolumeClaim: {claimName: raw}
        """).ok();
    kubectl.run(prefixed("wait", "--for=condition=Ready", "pod/blockuser", "--timeout=90s")).ok();
    assertThat(k("exec", "blockuser", "--", "sh", "-c", "test -b /dev/xvda && blockdev --getsize64 /dev/xvda").strip())
        .isEqualTo(Long.toString(40 * MI));
    String out = k("exec", "blockuser", "--", "sh", "-c",
        "dd if=/dev/zero of=/dev/xvda bs=1M count=8 2>&1 && mke2fs -q /dev/xvda && echo made && ls /dev");
    assertThat(out).contains("8+0 records out").contains("made");
    assertThat(out.lines()).doesNotContain("loop0", "sda"); // only its own device, not the host's
    assertThat(k("get", "pvc", "raw", "-o", "jsonpath={.spec.volumeMode} {.status.capacity.storage}")).isEqualTo("Block 40Mi");

    Kubectl.Result refused = kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: both, namespace: cap}
        spec:
          containers:
          - name: sh
            image: busybox
            volumeMounts: [{name: raw, mountPath: /data}]
            volumeDevices: [{name: raw, devicePath: /dev/xvda}]
          volumes: [{name: raw, persistentVolumeClaim: {claimName: raw}}]
        """, "apply", "-f", "-");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("spec.containers[0].volumeDevices[0].name: Invalid value: \"raw\": "
        + "can not be used as both a volumeMount and a volumeDevice");
    k("delete", "pod", "blockuser", "--wait=true");
    k("delete", "pvc", "raw", "--wait=true");
  }
}
