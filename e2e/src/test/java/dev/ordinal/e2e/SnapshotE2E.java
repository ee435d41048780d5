package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * VolumeSnapshots of local volumes on real pods, with kubectl: a busybox pod's claim snapshotted
 * (the XFS frozen while its file is copied), restored into a larger claim and into a StatefulSet's
 * claim through {@code volumeClaimTemplates[].spec.dataSource}, with the data as it was at the
 * snapshot; a claim smaller than the snapshot refused with upstream's event; a bad snapshot
 * refused with a 422; the snapshot deleted with its content and data. Then the MariaDB example: a
 * snapshot of replica mysql-1's claim is the claim a new replica, mysql-2, starts from, with the rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotE2E extends RealPodsTestBase {
  static final String NS = "snap";

  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", NS).ok();
  }

  /** Snapshots first: a claim keeps pvc-as-source-protection while a snapshot of it is being taken. */
  @AfterAll
  static void deleteSnapshots() throws Exception {
    kubectl.run("delete", "volumesnapshots", "--all", "--all-namespaces", "--timeout=60s");
    kubectl.run("delete", "statefulsets,pods", "--all", "-n", NS, "--timeout=90s");
    kubectl.run("delete", "statefulsets,pods", "--all", "--timeout=90s");
  }

  String k(String... args) throws Exception {
    return kubectl.run(prefixed(args)).ok().out();
  }

  static String[] prefixed(String... args) {
    return Stream.concat(Stream.of("-n", NS), Stream.of(args)).toArray(String[]::new);
  }

  static String pod(String name, String claim, String command) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: snap}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "%s"]
            volumeMounts: [{name: data, mountPath: /data}]
          volumes:
          - name: data
            persistentVolumeClaim: {claimName: %s}
        """.formatted(name, command, claim);
  }

  static String restoredClaim(String name, String size) {
    return """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: %s, namespace: snap}
        spec:
          accessModes: ["ReadWriteOnce"]
          resources: {requests: {storage: %s}}
          dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap}
        """.formatted(name, size);
  }

  @Test
  @Order(1)
  void aBusyboxClaimIsSnapshottedAndRestored() throws Exception {
    kubectl.apply(work, "source.yaml", """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: snap}
        spec:
          accessModes: ["ReadWriteOnce"]
          resources: {requests: {storage: 50Mi}}
        ---
        """ + pod("writer", "data", "echo before > /data/file; sync; while true; do date >> /data/log; sleep 1; done")).ok();
    k("wait", "--for=condition=Ready", "pod/writer", "--timeout=60s");
    assertThat(kubectl.run("get", "volumesnapshotclass").ok().out()).contains("local-path").contains("ordinal.dev/local-path");

    Kubectl.Result bad = kubectl.runWithInput("""
        apiVersion: snapshot.storage.k8s.io/v1
        kind: VolumeSnapshot
        metadata: {name: bad, namespace: snap}
        spec:
          source: {persistentVolumeClaimName: data, volumeSnapshotContentName: other}
        """, "apply", "-f", "-");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("spec.source: Invalid value").contains("exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set");

    // the pod keeps writing while the snapshot is taken: the freeze holds its writes, the copy is of one instant
    kubectl.apply(work, "snap.yaml", """
        apiVersion: snapshot.storage.k8s.io/v1
        kind: VolumeSnapshot
        metadata: {name: snap, namespace: snap}
        spec:
          source: {persistentVolumeClaimName: data}
        """).ok();
    k("wait", "--for=jsonpath={.status.readyToUse}=true", "volumesnapshot/snap", "--timeout=60s");
    String row = k("get", "volumesnapshot", "snap");
    assertThat(row).contains("READYTOUSE").contains("SOURCEPVC").contains("true").contains("data").contains("50Mi").contains("local-path");
    String content = k("get", "volumesnapshot", "snap", "-o", "jsonpath={.status.boundVolumeSnapshotContentName}");
    assertThat(content).startsWith("snapcontent-");
    assertThat(kubectl.run("get", "volumesnapshotcontent", content, "-o", "jsonpath={.spec.deletionPolicy} {.spec.source.volumeHandle}")
        .ok().out()).startsWith("Delete pvc-");
    String handle = kubectl.run("get", "volumesnapshotcontent", content, "-o", "jsonpath={.status.snapshotHandle}").ok().out();
    assertThat(Path.of(handle)).exists();
    k("exec", "writer", "--", "sh", "-c", "echo after > /data/file; sync");
    assertThat(k("get", "pod", "writer", "-o", "jsonpath={.status.containerStatuses[0].restartCount}")).isEqualTo("0");

    kubectl.apply(work, "restore.yaml", restoredClaim("small", "20Mi") + "---\n" + restoredClaim("restored", "80Mi") + "---\n"
        + pod("reader", "restored", "cat /data/file; df -k /data | tail -n 1; exec sleep 3600") + "---\n"
        + pod("waiter", "small", "exec sleep 3600")).ok();
    k("wait", "--for=condition=Ready", "pod/reader", "--timeout=60s");
    assertThat(k("exec", "reader", "--", "cat", "/data/file")).isEqualTo("before\n");
    assertThat(k("exec", "reader", "--", "test", "-s", "/data/log")).isEmpty(); // what the loop had written by the freeze
    String[] df = k("exec", "reader", "--", "df", "-k", "/data").lines().reduce((a, b) -> b).orElseThrow().trim().split("\\s+");
    assertThat(Long.parseLong(df[1])).as("the restored filesystem grew to the claim's 80Mi").isGreaterThan(70 * 1024);
    await().atMost(Duration.ofSeconds(30)).until(() -> k("get", "events", "--field-selector", "involvedObject.name=small",
        "-o", "jsonpath={.items[*].message}").contains("requested volume size 20971520 is less than the size 52428800 for the source snapshot snap"));
    assertThat(k("get", "pvc", "small", "-o", "jsonpath={.status.phase}")).isEqualTo("Pending");
    k("delete", "pod", "waiter", "--wait=false");
    k("delete", "pvc", "small", "--wait=false");

    // a StatefulSet's new replicas start from the snapshot through their claim template
    kubectl.apply(work, "copies.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: copy, namespace: snap}
        spec:
          serviceName: copy
          replicas: 2
          podManagementPolicy: Parallel
          selector: {matchLabels: {app: copy}}
          template:
            metadata: {labels: {app: copy}}
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
              resources: {requests: {storage: 50Mi}}
              dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap}
        """).ok();
    await().atMost(Duration.ofSeconds(90)).until(() -> k("get", "sts", "copy", "-o", "jsonpath={.status.readyReplicas}").equals("2"));
    assertThat(k("exec", "copy-0", "--", "cat", "/data/file")).isEqualTo("before\n");
    assertThat(k("exec", "copy-1", "--", "cat", "/data/file")).isEqualTo("before\n");
    // each copy is its own: a write to one is not in the other, nor in the source
    k("exec", "copy-0", "--", "sh", "-c", "echo mine > /data/file");
    assertThat(k("exec", "copy-1", "--", "cat", "/data/file")).isEqualTo("before\n");
    assertThat(k("exec", "writer", "--", "cat", "/data/file")).isEqualTo("after\n");

    // in use as a source while claims are being made from it, then deleted with its content and data (Delete)
    k("delete", "volumesnapshot", "snap", "--timeout=60s");
    await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("get", "volumesnapshotcontent", content, "--ignore-not-found", "-o", "name")
        .ok().out().isBlank());
    assertThat(Path.of(handle)).doesNotExist();
    assertThat(k("exec", "reader", "--", "cat", "/data/file")).isEqualTo("before\n");
  }

  Kubectl.Result sql(int member, String statements) throws Exception {
    return kubectl.run("exec", "mysql-" + member, "-c", "mysql", "--", "mariadb", "-N", "-e", statements);
  }

  void awaitReady(String... pods) {
    await().atMost(Duration.ofSeconds(240)).until(() -> {
      String[] args = Stream.concat(Stream.of("wait", "--for=condition=Ready", "--timeout=20s"), Stream.of(pods).map(p -> "pod/" + p))
          .toArray(String[]::new);
      return kubectl.run(args).exitCode() == 0;
    });
  }

  @Test
  @Order(2)
  void aNewMariaDbReplicaStartsFromASnapshotOfAnother() throws Exception {
    assumeTrue(Stream.of("/usr/sbin/mariadbd", "/usr/bin/mariabackup", "/usr/bin/ncat").allMatch(p -> Files.exists(Path.of(p))),
        "needs Debian's mariadb-server, mariadb-backup and ncat (./ordinal test installs them as root)");
    String example = Files.readString(example("mariadb.yaml"));
    assertThat(example).contains("  replicas: 3\n");
    String two = example.replace("  replicas: 3\n", "  replicas: 2\n");
    kubectl.runWithInput(two, "apply", "-f", "-").ok();
    awaitReady("mysql-0", "mysql-1");
    sql(0, "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(100));"
        + " INSERT INTO shop.orders VALUES (1, 'apples'), (2, 'pears')").ok();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(sql(1, "SELECT id, item FROM shop.orders ORDER BY id").out()).isEqualTo("1\tapples\n2\tpears\n"));

    // the replica is snapshotted while it runs: InnoDB recovers the frozen copy as after a power cut
    kubectl.runWithInput("""
        apiVersion: snapshot.storage.k8s.io/v1
        kind: VolumeSnapshot
        metadata: {name: mysql-1-snap}
        spec:
          source: {persistentVolumeClaimName: data-mysql-1}
        """, "apply", "-f", "-").ok();
    kubectl.run("wait", "--for=jsonpath={.status.readyToUse}=true", "volumesnapshot/mysql-1-snap", "--timeout=120s").ok();
    String size = kubectl.run("get", "volumesnapshot", "mysql-1-snap", "-o", "jsonpath={.status.restoreSize}").ok().out();
    assertThat(size).isEqualTo("10Gi");
    sql(0, "INSERT INTO shop.orders VALUES (3, 'after the snapshot')").ok();

    // mysql-2's claim, made before the set reaches it, holds mysql-1's data: the member starts from it, not from a clone
    kubectl.runWithInput("""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data-mysql-2
          labels: {app: mysql}
        spec:
          accessModes: ["ReadWriteOnce"]
          resources: {requests: {storage: 10Gi}}
          dataSourceRef: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: mysql-1-snap}
        """, "apply", "-f", "-").ok();
    kubectl.run("scale", "statefulset", "mysql", "--replicas=3").ok();
    awaitReady("mysql-2");
    assertThat(kubectl.run("get", "pvc", "data-mysql-2", "-o", "jsonpath={.spec.dataSource.name}").ok().out()).isEqualTo("mysql-1-snap");
    assertThat(kubectl.run("logs", "mysql-2", "-c", "clone-mysql").ok().out()).doesNotContain("mysql-1.mysql 3307");
    assertThat(sql(2, "SELECT id, item FROM shop.orders WHERE id < 3 ORDER BY id").ok().out()).isEqualTo("1\tapples\n2\tpears\n");
    // and it replicates on from the position the snapshot held
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
        assertThat(sql(2, "SELECT item FROM shop.orders WHERE id = 3").out()).isEqualTo("after the snapshot\n"));
    sql(0, "INSERT INTO shop.orders VALUES (4, 'after the restore')").ok();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(sql(2, "SELECT item FROM shop.orders WHERE id = 4").out()).isEqualTo("after the restore\n"));
  }
}
