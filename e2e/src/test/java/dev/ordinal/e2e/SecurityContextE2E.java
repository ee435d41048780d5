package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pod's securityContext on real pods, as on Kubernetes: the pod's user, group and extra groups
 * seen by {@code id} (a container's own values winning), fsGroup on an emptyDir, a provisioned claim
 * and a ConfigMap volume (the group's, setgid, group-writable where writable), and runAsNonRoot
 * refusing an image that runs as root with kubelet's message.
 */
class SecurityContextE2E extends RealPodsTestBase {
  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", "sec").ok();
  }

  String k(String... args) throws Exception {
    String[] full = new String[args.length + 2];
    full[0] = "-n";
    full[1] = "sec";
    System.arraycopy(args, 0, full, 2, args.length);
    return kubectl.run(full).ok().out();
  }

  static List<String> groups(String idG) {
    return Arrays.asList(idG.strip().split(" "));
  }

  @Test
  void thePodsUserGroupsAndVolumeOwnershipApply() throws Exception {
    kubectl.apply(work, "security.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: sec
        data:
          mode: primary
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
          namespace: sec
        spec:
          accessModes: ["ReadWriteOnce"]
          resources:
            requests:
              storage: 1Gi
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: demo
          namespace: sec
        spec:
          terminationGracePeriodSeconds: 1
          securityContext:
            runAsUser: 1000
            runAsGroup: 3000
            fsGroup: 2000
            supplementalGroups: [4000]
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "touch /data/by-main /scratch/by-main && sleep 3600"]
            volumeMounts:
            - {name: data, mountPath: /data}
            - {name: scratch, mountPath: /scratch}
            - {name: settings, mountPath: /config}
          - name: override
            image: busybox
            command: ["sleep", "3600"]
            securityContext:
              runAsUser: 2001
              runAsGroup: 2002
          volumes:
          - name: data
            persistentVolumeClaim:
              claimName: data
          - name: scratch
            emptyDir: {}
          - name: settings
            configMap:
              name: settings
        """).ok();
    k("wait", "--for=condition=Ready", "pod/demo", "--timeout=90s");

    String id = k("exec", "demo", "-c", "main", "--", "id");
    assertThat(id).as(id).contains("uid=1000", "gid=3000", "2000", "4000");
    assertThat(k("exec", "demo", "-c", "main", "--", "id", "-u")).isEqualTo("1000\n");
    assertThat(k("exec", "demo", "-c", "main", "--", "id", "-g")).isEqualTo("3000\n");
    assertThat(groups(k("exec", "demo", "-c", "main", "--", "id", "-G"))).contains("3000", "2000", "4000");

    // fsGroup: the emptyDir and the claim belong to group 2000, setgid and group-writable
    String scratch = k("exec", "demo", "-c", "main", "--", "stat", "-c", "%g %a", "/scratch").strip();
    assertThat(scratch).isEqualTo("2000 2777");
    String[] data = k("exec", "demo", "-c", "main", "--", "stat", "-c", "%g %a", "/data").strip().split(" ");
    assertThat(data[0]).isEqualTo("2000");
    int mode = Integer.parseInt(data[1], 8);
    assertThat(mode & 02070).as("setgid, group rwx: %s", data[1]).isEqualTo(02070);
    // what the process wrote there inherits the group (the setgid bit at work)
    assertThat(k("exec", "demo", "-c", "main", "--", "stat", "-c", "%u %g", "/data/by-main", "/scratch/by-main"))
        .isEqualTo("1000 2000\n1000 2000\n");
    assertThat(k("exec", "demo", "-c", "main", "--", "stat", "-L", "-c", "%g", "/config/mode").strip()).isEqualTo("2000");

    // the container's own values override the pod's; the pod's groups still apply
    assertThat(k("exec", "demo", "-c", "override", "--", "id", "-u")).isEqualTo("2001\n");
    assertThat(k("exec", "demo", "-c", "override", "--", "id", "-g")).isEqualTo("2002\n");
    assertThat(groups(k("exec", "demo", "-c", "override", "--", "id", "-G"))).contains("2002", "2000", "4000");
    k("delete", "pod", "demo", "--timeout=60s");
    k("delete", "pvc", "data", "--timeout=60s");
  }

  @Test
  void runAsNonRootRefusesAnImageThatRunsAsRoot() throws Exception {
    kubectl.apply(work, "nonroot.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: nonroot
          namespace: sec
        spec:
          terminationGracePeriodSeconds: 1
          securityContext:
            runAsNonRoot: true
          containers:
          - name: app
            image: busybox
            command: ["sleep", "3600"]
          - name: numeric
            image: busybox
            command: ["sleep", "3600"]
            securityContext:
              runAsUser: 1000
        """).ok();
    String uid = k("get", "pod", "nonroot", "-o", "jsonpath={.metadata.uid}");
    String reason = "jsonpath={.status.containerStatuses[?(@.name==\"app\")].state.waiting.reason}";
    await().atMost(Duration.ofSeconds(60)).until(() -> k("get", "pod", "nonroot", "-o", reason).equals("CreateContainerConfigError"));
    assertThat(k("get", "pod", "nonroot", "-o", "jsonpath={.status.containerStatuses[?(@.name==\"app\")].state.waiting.message}"))
        .isEqualTo("container has runAsNonRoot and image will run as root (pod: \"nonroot_sec(" + uid + ")\", container: app)");
    await().atMost(Duration.ofSeconds(60)).until(() ->
        k("get", "pod", "nonroot", "-o", "jsonpath={.status.containerStatuses[?(@.name==\"numeric\")].state.running}").contains("startedAt"));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        k("get", "events", "--field-selector", "involvedObject.name=nonroot,reason=Failed", "-o", "jsonpath={.items[*].message}")
            .contains("Error: container has runAsNonRoot and image will run as root"));
    k("delete", "pod", "nonroot", "--timeout=60s");
  }
}
