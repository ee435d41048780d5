package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a host image's pod sees of the host, on real pods: not the host's secrets (shadow, SSH host
 * keys, machine-id), nothing the test leaves in the host's /srv, /opt and /var/lib, nothing of the
 * data directory or of another pod's volume; /usr read-only; what it writes to /var gone with the
 * container. And BusyBox as the official image has it: its own shell, applets on PATH
 * ({@code httpd}, {@code nslookup}, {@code wget}), nothing of the host's coreutils.
 */
class HostImageBoundaryE2E extends RealPodsTestBase {
  static final String MARK = "ordinal-boundary-" + UUID.randomUUID();
  static final List<Path> MARKERS = new ArrayList<>();

  static final String PODS = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: holder
      spec:
        containers:
        - name: main
          image: busybox
          command: ["sh", "-c", "echo secret > /data/%1$s-volume; sleep 3600"]
          volumeMounts:
          - {name: data, mountPath: /data}
        volumes:
        - {name: data, emptyDir: {}}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: prober
      spec:
        terminationGracePeriodSeconds: 1
        containers:
        - name: main
          image: debian:12
          command: ["sleep", "3600"]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: forgets
      spec:
        terminationGracePeriodSeconds: 1
        containers:
        - name: main
          image: debian:12
          command: ["sh", "-c", "if test -e /var/lib/note; then echo kept; else echo fresh; fi; echo x > /var/lib/note; sleep 8; exit 1"]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: httpd
        labels: {app: httpd}
      spec:
        terminationGracePeriodSeconds: 1
        containers:
        - name: main
          image: busybox
          command: ["sh", "-c", "mkdir -p /data && echo hello from busybox > /data/index.html && httpd -f -p 8080 -h /data"]
          ports:
          - containerPort: 8080
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: httpd
      spec:
        selector: {app: httpd}
        ports:
        - port: 80
          targetPort: 8080
      """.formatted(MARK);

  @BeforeAll
  static void markTheHostAndStartPods() throws Exception {
    for (String dir : List.of("/srv", "/opt", "/var/lib")) {
      Path marker = Path.of(dir, MARK);
      Files.writeString(marker, "the host's\n");
      MARKERS.add(marker);
    }
    kubectl.runWithInput(PODS, "apply", "-f", "-").ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/holder", "pod/prober", "pod/httpd", "--timeout=90s").ok();
  }

  @AfterAll
  static void unmark() throws Exception {
    for (Path m : MARKERS) {
      Files.deleteIfExists(m);
    }
    if (kubectl != null) {
      kubectl.run("delete", "pods", "--all", "--grace-period=0", "--force");
    }
  }

  private static Kubectl.Result in(String pod, String script) throws Exception {
    return kubectl.run("exec", pod, "--", "sh", "-c", script);
  }

  @Test
  void aHostImageSeesNoneOfTheHostsSecrets() throws Exception {
    assertThat(in("prober", "cat /etc/shadow").exitCode()).isNotZero();
    assertThat(in("prober", "ls /etc/ssh /etc/ssl/private /etc/machine-id /etc/sudoers").exitCode()).isNotZero();
    assertThat(in("prober", "awk -F: '$3 >= 1000 && $3 != 65534' /etc/passwd").ok().out()).as("no host user").isEmpty();
    assertThat(in("prober", "cat /etc/hostname").ok().out()).isEqualTo("prober\n");
    assertThat(in("prober", "grep -c nameserver /etc/resolv.conf").ok().out()).isEqualTo("1\n");
  }

  @Test
  void nothingTheHostKeepsOutsideUsrNorTheDataDirectoryNorAnotherPodsVolume() throws Exception {
    for (Path m : MARKERS) {
      assertThat(in("prober", "cat " + m).exitCode()).as(m.toString()).isNotZero();
    }
    assertThat(in("prober", "find /srv /opt /home /root /tmp /mnt /media /var -mindepth 1 -not -type l -not -type d | wc -l").ok().out())
        .isEqualTo("0\n");
    assertThat(in("prober", "ls " + work.resolve("data")).exitCode()).isNotZero();
    assertThat(in("prober", "find / -xdev -name '" + MARK + "*' 2>/dev/null; true").ok().out()).isEmpty();
    assertThat(in("holder", "cat /data/" + MARK + "-volume").ok().out()).isEqualTo("secret\n");
  }

  @Test
  void usrIsReadOnlyAndVarBelongsToTheContainer() throws Exception {
    Kubectl.Result write = in("prober", "touch /usr/bin/planted");
    assertThat(write.exitCode()).isNotZero();
    assertThat(write.err()).contains("Read-only file system");
    assertThat(Path.of("/usr/bin/planted")).doesNotExist();
    assertThat(in("prober", "touch /var/tmp/x /tmp/x /root/x && rm /var/tmp/x /tmp/x /root/x && echo ok").ok().out()).isEqualTo("ok\n");
    // a restarted container starts from the image again: what the last run wrote in /var is gone
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> kubectl.run("get", "pod", "forgets", "-o", "jsonpath={.status.containerStatuses[0].restartCount}").out(),
            n -> !n.isEmpty() && Integer.parseInt(n) >= 1);
    assertThat(kubectl.run("logs", "forgets", "--previous").ok().out()).isEqualTo("fresh\n");
    String second = await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("logs", "forgets").out(), s -> !s.isEmpty());
    assertThat(second).as("the second run's /var").isEqualTo("fresh\n");
  }

  @Test
  void busyboxIsBusyBoxWithItsAppletsOnPath() throws Exception {
    assertThat(in("holder", "sh --help 2>&1 | head -1").ok().out()).startsWith("BusyBox v");
    assertThat(in("holder", "[ /bin/sh -ef /bin/busybox ] && [ /bin/ls -ef /bin/busybox ] && echo same").ok().out()).isEqualTo("same\n");
    assertThat(in("holder", "ls /usr/bin | wc -l").ok().out()).as("nothing of the host's /usr").isEqualTo("0\n");
    assertThat(in("holder", "echo $PATH").ok().out()).isEqualTo("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    // the Kubernetes documentation's checks, from BusyBox
    assertThat(in("holder", "wget -qO- http://httpd.default.svc.cluster.local/").ok().out()).isEqualTo("hello from busybox\n");
    assertThat(in("holder", "nslookup kubernetes.default").ok().out()).contains("10.96.0.1");
    // BusyBox's nslookup tries the rest of the search list too, and exits 1 for its NXDOMAINs as on any cluster
    assertThat(in("holder", "nslookup httpd").out()).contains("Name:\thttpd.default.svc.cluster.local");
  }
}
