package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real pods on `ordinal up --runtime runc`, driven with kubectl: an nginx StatefulSet whose init
 * container writes each replica's own page onto its own claim, readiness by HTTP, its identity in
 * /etc/hostname and /etc/hosts, what a pod must not see, logs and exec, a replica deleted and back
 * with its data, a crashing container restarted, and nothing left on the host once pods are gone.
 * Needs root (the test command installs runc, conmon, the CNI plugins, nginx and busybox).
 */
class RuncE2E extends RealPodsTestBase {
  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", "e2e").ok();
  }

  static final String WEB = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: site
      data:
        greeting: "served by"
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: nginx
      spec:
        clusterIP: None
        selector:
          app: nginx
        ports:
        - port: 80
          name: web
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web-read
      spec:
        selector:
          app: nginx
        ports:
        - port: 8080
          targetPort: web
          name: http
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 3
        selector:
          matchLabels:
            app: nginx
        template:
          metadata:
            labels:
              app: nginx
          spec:
            terminationGracePeriodSeconds: 5
            initContainers:
            - name: page
              image: busybox
              command: ["sh", "-c", "test -f /www/index.html || echo \\"$(GREETING) $(POD)\\" > /www/index.html; echo wrote page for $(POD)"]
              env:
              - name: POD
                valueFrom:
                  fieldRef:
                    fieldPath: metadata.name
              - name: GREETING
                valueFrom:
                  configMapKeyRef:
                    name: site
                    key: greeting
              volumeMounts:
              - name: www
                mountPath: /www
            containers:
            - name: nginx
              image: nginx:1.27
              ports:
              - containerPort: 80
                name: web
              readinessProbe:
                httpGet:
                  path: /
                  port: web
                periodSeconds: 2
              volumeMounts:
              - name: www
                mountPath: /usr/share/nginx/html
        volumeClaimTemplates:
        - metadata:
            name: www
          spec:
            accessModes: ["ReadWriteOnce"]
            resources:
              requests:
                storage: 1Gi
      """;

  static String get(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  String k(String... args) throws Exception {
    String[] full = new String[args.length + 2];
    full[0] = "-n";
    full[1] = "e2e";
    System.arraycopy(args, 0, full, 2, args.length);
    return kubectl.run(full).ok().out();
  }

  @Test
  void aStatefulSetOfRealNginxReplicas() throws Exception {
    kubectl.apply(work, "web.yaml", WEB.replace("metadata:\n  name:", "metadata:\n  namespace: e2e\n  name:")).ok();
    assertThat(k("rollout", "status", "sts/web", "--timeout=120s")).contains("roll out complete");

    String ip0 = k("get", "pod", "web-0", "-o", "jsonpath={.status.podIP}");
    String ip1 = k("get", "pod", "web-1", "-o", "jsonpath={.status.podIP}");
    assertThat(ip0).startsWith("10.88.").isNotEqualTo(ip1);
    assertThat(get("http://" + ip0 + "/")).isEqualTo("served by web-0\n");
    assertThat(get("http://" + ip1 + "/")).isEqualTo("served by web-1\n");
    assertThat(k("logs", "web-1", "-c", "page")).isEqualTo("wrote page for web-1\n");

    // identity and isolation, seen from inside
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "cat", "/etc/hostname")).isEqualTo("web-1\n");
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "cat", "/etc/hosts")).contains(ip1 + "\tweb-1.nginx.e2e.svc.cluster.local\tweb-1");
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "cat", "/etc/resolv.conf"))
        .contains("search e2e.svc.cluster.local svc.cluster.local cluster.local", "nameserver 10.96.0.10", "options ndots:5");
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "sh", "-c", "find /root /home -mindepth 1 | wc -l")).isEqualTo("0\n");
    Kubectl.Result dataDir = kubectl.run("-n", "e2e", "exec", "web-1", "-c", "nginx", "--", "ls", work.resolve("data").toString());
    assertThat(dataDir.exitCode()).as("the data directory is hidden from pods").isNotZero();
    Kubectl.Result exit = kubectl.run("-n", "e2e", "exec", "web-0", "-c", "nginx", "--", "sh", "-c", "exit 7");
    assertThat(exit.exitCode()).isEqualTo(7);
    Kubectl.Result tty = kubectl.onTerminal(100, 30, "-n", "e2e", "exec", "-it", "web-0", "-c", "nginx", "--", "sh", "-c",
        "tty; stty size; echo $TERM; exit 4");
    assertThat(tty.out()).contains("/dev/pts/", "30 100\n", "xterm\n");
    assertThat(tty.exitCode()).isEqualTo(4);
    Kubectl.Result resized = kubectl.onTerminal(100, 30, "30 100\n", 120, 40, "-n", "e2e", "exec", "-it", "web-0", "-c", "nginx", "--",
        "sh", "-c", "stty size; sleep 3; stty size");
    assertThat(resized.out()).as("the window resized during the session").contains("30 100\n40 120\n");
    // port-forward: SPDY inside WebSocket, to the pod's port
    int local;
    try (var probe = new java.net.ServerSocket(0)) {
      local = probe.getLocalPort();
    }
    Process forward = kubectl.start("-n", "e2e", "port-forward", "pod/web-0", local + ":web");
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(forward.getInputStream()))) {
      assertThat(lines.readLine()).startsWith("Forwarding from 127.0.0.1:" + local);
      assertThat(get("http://127.0.0.1:" + local + "/")).isEqualTo("served by web-0\n");
      assertThat(get("http://127.0.0.1:" + local + "/")).as("a second connection").isEqualTo("served by web-0\n");
    } finally {
      forward.destroy();
    }
    // the same with the fabric8 client: kubelet's channel protocol over WebSocket (v4.channel.k8s.io)
    try (var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(java.nio.file.Files.readString(ordinal.kubeconfig())))
            .build();
        var fabric8Forward = client.pods().inNamespace("e2e").withName("web-0").portForward(80)) {
      assertThat(get("http://127.0.0.1:" + fabric8Forward.getLocalPort() + "/")).isEqualTo("served by web-0\n");
      assertThat(get("http://127.0.0.1:" + fabric8Forward.getLocalPort() + "/")).as("a second connection").isEqualTo("served by web-0\n");
      assertThat(fabric8Forward.getServerThrowables()).isEmpty();
    }
    // the pods reach each other on the bridge
    assertThat(k("exec", "web-0", "-c", "nginx", "--", "busybox", "wget", "-qO-", "http://" + ip1 + "/")).isEqualTo("served by web-1\n");

    // cluster DNS: stable names resolve to the pods, through the search path as the seeds write them
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "getent", "hosts", "web-0.nginx")).startsWith(ip0 + " ");
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "getent", "hosts", "web-1.nginx.e2e.svc.cluster.local")).startsWith(ip1 + " ");
    String ip2 = k("get", "pod", "web-2", "-o", "jsonpath={.status.podIP}");
    assertThat(k("exec", "web-0", "-c", "nginx", "--", "sh", "-c", "getent ahostsv4 nginx.e2e.svc.cluster.local | awk '{print $1}' | sort -u"))
        .isEqualTo(java.util.stream.Stream.of(ip0, ip1, ip2).sorted().map(ip -> ip + "\n").reduce("", String::concat));
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "busybox", "nslookup", "web-0.nginx.e2e.svc.cluster.local"))
        .contains("Address: " + ip0);
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "busybox", "nslookup", "-type=SRV", "_web._tcp.nginx.e2e.svc.cluster.local"))
        .contains("web-0.nginx.e2e.svc.cluster.local", "web-1.nginx.e2e.svc.cluster.local", "web-2.nginx.e2e.svc.cluster.local");
    Kubectl.Result outside = kubectl.run("-n", "e2e", "exec", "web-0", "-c", "nginx", "--", "getent", "hosts", "example.invalid");
    assertThat(outside.exitCode()).as("a name outside the cluster fails, and does not hang").isNotZero();

    // a ClusterIP Service spreads connections over the ready replicas, from the host and from pods
    String clusterIp = k("get", "svc", "web-read", "-o", "jsonpath={.spec.clusterIP}");
    assertThat(clusterIp).startsWith("10.96.");
    java.util.Map<String, Integer> spread = new java.util.TreeMap<>();
    for (int i = 0; i < 100; i++) {
      spread.merge(get("http://" + clusterIp + ":8080/").trim(), 1, Integer::sum);
    }
    assertThat(spread.keySet()).as(spread.toString()).containsExactly("served by web-0", "served by web-1", "served by web-2");
    assertThat(k("exec", "web-0", "-c", "nginx", "--", "curl", "-s", "http://web-read:8080/")).startsWith("served by web-");
    // sessionAffinity: ClientIP keeps a client on one replica
    k("patch", "svc", "web-read", "--type=merge", "-p", "{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}");
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < 20; i++) {
        seen.add(get("http://" + clusterIp + ":8080/").trim());
      }
      return seen.size() == 1;
    });
    k("patch", "svc", "web-read", "--type=merge", "-p", "{\"spec\":{\"sessionAffinity\":\"None\"}}");
    // web-2 stops being ready (its page gone): it leaves the Service and the headless name
    k("exec", "web-2", "-c", "nginx", "--", "mv", "/usr/share/nginx/html/index.html", "/usr/share/nginx/html/away.html");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        k("get", "pod", "web-2", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").equals("False"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !k("get", "endpoints", "web-read", "-o", "jsonpath={.subsets[*].addresses[*].ip}")
        .contains(ip2));
    spread.clear();
    for (int i = 0; i < 100; i++) {
      spread.merge(get("http://" + clusterIp + ":8080/").trim(), 1, Integer::sum);
    }
    assertThat(spread.keySet()).as(spread.toString()).containsExactly("served by web-0", "served by web-1");
    assertThat(k("exec", "web-0", "-c", "nginx", "--", "sh", "-c", "getent ahostsv4 nginx.e2e.svc.cluster.local | awk '{print $1}' | sort -u"))
        .doesNotContain(ip2);
    k("exec", "web-2", "-c", "nginx", "--", "mv", "/usr/share/nginx/html/away.html", "/usr/share/nginx/html/index.html");
    k("wait", "--for=condition=Ready", "pod/web-2", "--timeout=30s");

    // a replica deleted comes back under its name with its own data
    String uid = k("get", "pod", "web-0", "-o", "jsonpath={.metadata.uid}");
    k("delete", "pod", "web-0");
    k("wait", "--for=condition=Ready", "pod/web-0", "--timeout=90s");
    assertThat(k("get", "pod", "web-0", "-o", "jsonpath={.metadata.uid}")).isNotEqualTo(uid);
    String again = k("get", "pod", "web-0", "-o", "jsonpath={.status.podIP}");
    assertThat(get("http://" + again + "/")).isEqualTo("served by web-0\n");
    assertThat(k("exec", "web-1", "-c", "nginx", "--", "getent", "hosts", "web-0.nginx")).as("the name follows the new IP")
        .startsWith(again + " ");
    assertThat(HostLeftovers.of(work.resolve("data"), uid)).as("the deleted pod's netns, containers, mounts").isEmpty();

    // Ordinal crashes and comes back: the containers ran on under conmon and are picked up again
    String container = k("get", "pod", "web-1", "-o", "jsonpath={.status.containerStatuses[0].containerID}");
    ordinal.stop(true);
    assertThat(get("http://" + ip1 + "/")).as("served while Ordinal is down").isEqualTo("served by web-1\n");
    ordinal.start();
    k("wait", "--for=condition=Ready", "pod/web-1", "--timeout=60s");
    assertThat(k("get", "pod", "web-1", "-o", "jsonpath={.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}"))
        .isEqualTo(container + " 0");
  }

  @Test
  void volumesFromConfigMapsFollowTheirChangesAndEmptyDirsAreShared() throws Exception {
    kubectl.apply(work, "volumes.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: e2e
        data:
          mode: primary
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: volumes
          namespace: e2e
        spec:
          terminationGracePeriodSeconds: 3
          containers:
          - name: writer
            image: busybox
            command: ["sh", "-c", "echo shared > /scratch/note; sleep 3600"]
            volumeMounts:
            - {name: scratch, mountPath: /scratch}
            - {name: settings, mountPath: /config, readOnly: true}
          - name: reader
            image: busybox
            command: ["sleep", "3600"]
            volumeMounts:
            - {name: scratch, mountPath: /scratch}
          volumes:
          - name: scratch
            emptyDir: {}
          - name: settings
            configMap:
              name: settings
        """).ok();
    k("wait", "--for=condition=Ready", "pod/volumes", "--timeout=60s");
    await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("-n", "e2e", "exec", "volumes", "-c", "reader", "--", "cat",
        "/scratch/note").out().equals("shared\n"));
    assertThat(k("exec", "volumes", "-c", "writer", "--", "cat", "/config/mode")).isEqualTo("primary");
    Kubectl.Result readOnly = kubectl.run("-n", "e2e", "exec", "volumes", "-c", "writer", "--", "sh", "-c", "echo x > /config/new");
    assertThat(readOnly.exitCode()).as("a readOnly mount refuses writes").isNotZero();
    k("patch", "configmap", "settings", "--type=merge", "-p", "{\"data\":{\"mode\":\"replica\"}}");
    await().atMost(Duration.ofSeconds(40)).until(() -> kubectl.run("-n", "e2e", "exec", "volumes", "-c", "writer", "--", "cat",
        "/config/mode").out().equals("replica"));
    k("delete", "pod", "volumes", "--timeout=60s");
  }

  @Test
  void initContainersRunInOrderAndAFailingReadinessProbeKeepsAPodOutOfReady() throws Exception {
    kubectl.apply(work, "init.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: init
          namespace: e2e
        spec:
          terminationGracePeriodSeconds: 1
          initContainers:
          - name: first
            image: busybox
            command: ["sh", "-c", "echo first >> /shared/order"]
            volumeMounts: [{name: shared, mountPath: /shared}]
          - name: second
            image: busybox
            command: ["sh", "-c", "echo second >> /shared/order"]
            volumeMounts: [{name: shared, mountPath: /shared}]
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "cat /shared/order; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done"]
            readinessProbe:
              exec:
                command: ["test", "-f", "/shared/ready"]
              periodSeconds: 1
            volumeMounts: [{name: shared, mountPath: /shared}]
          volumes:
          - name: shared
            emptyDir: {}
        """).ok();
    await().atMost(Duration.ofSeconds(60)).until(() -> k("get", "pod", "init", "-o", "jsonpath={.status.phase}").equals("Running"));
    assertThat(k("logs", "init", "--tail=-1").lines().limit(2).toList()).containsExactly("first", "second");
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
        k("get", "pod", "init", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").equals("False"));

    // kubectl cp is exec with tar: the file lands in the pod, and the probe passes
    Files.writeString(work.resolve("ready"), "yes");
    k("cp", work.resolve("ready").toString(), "init:/shared/ready", "-c", "main");
    k("wait", "--for=condition=Ready", "pod/init", "--timeout=30s");
    k("cp", "init:/shared/order", work.resolve("order").toString(), "-c", "main");
    assertThat(Files.readString(work.resolve("order"))).isEqualTo("first\nsecond\n");

    // logs -f follows the container until kubectl stops reading
    Process follow = kubectl.start("-n", "e2e", "logs", "-f", "init", "--since=1s");
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(follow.getInputStream()))) {
      String first = lines.readLine();
      String second = lines.readLine();
      assertThat(first).startsWith("tick ");
      assertThat(Integer.parseInt(second.substring(5))).isEqualTo(Integer.parseInt(first.substring(5)) + 1);
    } finally {
      follow.destroy();
    }
    k("delete", "pod", "init", "--timeout=60s");
  }

  @Test
  void aPodsUserEnvironmentDownwardFilesAndHooksAreRight() throws Exception {
    kubectl.apply(work, "identity.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: identity
          namespace: e2e
        data:
          role: replica
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: identity
          namespace: e2e
          labels:
            tier: db
        spec:
          terminationGracePeriodSeconds: 2
          containers:
          - name: main
            image: busybox
            command: ["sleep", "3600"]
            securityContext:
              runAsUser: 1000
              runAsGroup: 1000
            env:
            - name: MY_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            - name: MY_NODE
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            lifecycle:
              postStart:
                exec:
                  command: ["sh", "-c", "echo started > /info/../hooks/post"]
            volumeMounts:
            - {name: info, mountPath: /info}
            - {name: all, mountPath: /all}
            - {name: hooks, mountPath: /hooks}
          - name: refused
            image: busybox
            command: ["sleep", "3600"]
            securityContext:
              privileged: true
          volumes:
          - name: info
            downwardAPI:
              items:
              - {path: labels, fieldRef: {fieldPath: metadata.labels}}
              - {path: name, fieldRef: {fieldPath: metadata.name}}
          - name: all
            projected:
              sources:
              - configMap: {name: identity}
              - downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}
          - name: hooks
            emptyDir: {}
        """).ok();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        k("get", "pod", "identity", "-o", "jsonpath={.status.containerStatuses[?(@.name==\"main\")].state.running}").contains("startedAt"));
    String ip = k("get", "pod", "identity", "-o", "jsonpath={.status.podIP}");
    assertThat(k("exec", "identity", "-c", "main", "--", "sh", "-c", "id -u; id -g; echo $MY_IP $MY_NODE; echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"))
        .as("the API server's Service variables are there, as in every pod")
        .isEqualTo("1000\n1000\n" + ip + " " + k("get", "pod", "identity", "-o", "jsonpath={.spec.nodeName}") + "\n10.96.0.1:443\n");
    assertThat(k("exec", "identity", "-c", "main", "--", "cat", "/info/labels", "/info/name", "/all/role", "/all/namespace"))
        .isEqualTo("tier=\"db\"\nidentityreplicae2e");
    assertThat(k("exec", "identity", "-c", "main", "--", "cat", "/hooks/post")).isEqualTo("started\n");
    // the privileged container is refused, with the reason on its status and in an event
    assertThat(k("get", "pod", "identity", "-o", "jsonpath={.status.containerStatuses[?(@.name==\"refused\")].state.waiting.reason}"))
        .isEqualTo("CreateContainerConfigError");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        k("get", "events", "--field-selector", "involvedObject.name=identity,reason=Failed", "-o", "jsonpath={.items[*].message}")
            .contains("privileged containers are not allowed"));
    k("delete", "pod", "identity", "--timeout=60s");
  }

  @Test
  void aContainerOverItsMemoryLimitIsOomKilled() throws Exception {
    kubectl.apply(work, "oom.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: hog
          namespace: e2e
        spec:
          restartPolicy: Never
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "tail /dev/zero"]
            resources:
              limits:
                memory: 32Mi
        """).ok();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        k("get", "pod", "hog", "-o", "jsonpath={.status.phase}").equals("Failed"));
    assertThat(k("get", "pod", "hog", "-o", "jsonpath={.status.containerStatuses[0].state.terminated.reason}")).isEqualTo("OOMKilled");
    k("delete", "pod", "hog", "--timeout=60s");
  }

  @Test
  void aContainerFailingItsLivenessProbeIsKilledAndRestarted() throws Exception {
    kubectl.apply(work, "liveness.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: liveness
          namespace: e2e
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "touch /tmp/alive; sleep 2; rm /tmp/alive; sleep 3600"]
            livenessProbe:
              exec:
                command: ["test", "-f", "/tmp/alive"]
              periodSeconds: 1
              failureThreshold: 2
        """).ok();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        k("get", "pod", "liveness", "-o", "jsonpath={.status.containerStatuses[0].restartCount}").matches("[1-9]\\d*"));
    assertThat(k("get", "pod", "liveness", "-o", "jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}"))
        .isEqualTo("137");
    assertThat(k("get", "events", "--field-selector", "involvedObject.name=liveness,reason=Unhealthy", "-o", "name")).isNotEmpty();
    k("delete", "pod", "liveness", "--timeout=60s");
  }

  @Test
  void anImportedImageRunsOnItsOwnLayersWithItsOwnConfig() throws Exception {
    Path archive = TinyImage.build(Files.createDirectories(work.resolve("tiny")));
    assertThat(ordinal.command("image", "import", archive.toString())).contains("imported " + TinyImage.REFERENCE);
    kubectl.apply(work, "tiny.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: tiny
          namespace: e2e
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: %s
        """.formatted(TinyImage.REFERENCE)).ok();
    k("wait", "--for=condition=Ready", "pod/tiny", "--timeout=60s");
    assertThat(k("logs", "tiny")).isEqualTo("hello from the second layer\n");
    // the image's root, not the host's: no nginx, the whiteout applied, the image's env and workdir
    // (var is the mount point of the ServiceAccount volume, /var/run/secrets/kubernetes.io/serviceaccount)
    assertThat(k("exec", "tiny", "--", "sh", "-c", "busybox ls / | busybox tr '\\n' ' '; pwd; echo $FROM_IMAGE"))
        .isEqualTo("bin dev etc lib lib64 proc sys var /etc\nyes\n");
    Kubectl.Result missing = kubectl.run("-n", "e2e", "exec", "tiny", "--", "sh", "-c", "test -e /etc/remove-me");
    assertThat(missing.exitCode()).as("the second layer's whiteout hides the first layer's file").isEqualTo(1);
    k("delete", "pod", "tiny", "--timeout=60s");
  }

  @Test
  void aCrashingContainerIsRestartedAndItsPreviousLogKept() throws Exception {
    kubectl.apply(work, "crash.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: crash
          namespace: e2e
        spec:
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "echo run; sleep 1; exit 3"]
        """).ok();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        k("get", "pod", "crash", "-o", "jsonpath={.status.containerStatuses[0].restartCount}").matches("[1-9]\\d*"));
    assertThat(k("get", "pod", "crash", "-o", "jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}")).isEqualTo("3");
    assertThat(k("logs", "crash", "--previous")).isEqualTo("run\n");
    k("delete", "pod", "crash", "--timeout=60s");
  }
}
