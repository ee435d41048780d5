package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The everyday kubectl commands against a real `ordinal up`; assertions read kubectl's own output. */
class KubectlE2E extends OrdinalE2ETestBase {

  static String sts(String name, String image, String extraLabel) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %1$s
        spec:
          clusterIP: None
          selector:
            app: %1$s
          ports:
          - port: 80
            name: web
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: %1$s
          labels:
            app: %1$s
        %3$s
        spec:
          serviceName: %1$s
          replicas: 2
          selector:
            matchLabels:
              app: %1$s
          template:
            metadata:
              labels:
                app: %1$s
            spec:
              containers:
              - name: nginx
                image: %2$s
                ports:
                - containerPort: 80
                  name: web
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
        """.formatted(name, image, extraLabel.isEmpty() ? "" : "    " + extraLabel).replace("\n\nspec:", "\nspec:");
  }

  @Test
  void applyCreatesThenConfiguresThenLeavesUnchanged() throws Exception {
    String first = sts("web", "nginx:1.25", "tier: front");
    assertThat(kubectl.apply(work, "web1.yaml", first).ok().out())
        .contains("service/web created", "statefulset.apps/web created");
    String changed = sts("web", "nginx:1.27", "");
    assertThat(kubectl.apply(work, "web2.yaml", changed).ok().out()).contains("statefulset.apps/web configured");
    assertThat(kubectl.apply(work, "web2.yaml", changed).ok().out()).contains("statefulset.apps/web unchanged");
    String json = kubectl.run("get", "sts", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.metadata.labels}").ok().out();
    assertThat(json).startsWith("nginx:1.27 ").doesNotContain("tier");
  }

  @Test
  void getInEveryFormat() throws Exception {
    kubectl.apply(work, "fmt.yaml", sts("fmt", "nginx:1.27", "")).ok();
    assertThat(kubectl.run("get", "sts").ok().out()).containsPattern("NAME\\s+READY\\s+AGE").containsPattern("fmt\\s+0/2");
    assertThat(kubectl.run("get", "sts", "fmt", "-o", "wide").ok().out()).contains("CONTAINERS", "IMAGES", "nginx:1.27");
    assertThat(kubectl.run("get", "sts", "fmt", "-o", "yaml").ok().out()).contains("kind: StatefulSet", "podManagementPolicy: OrderedReady");
    assertThat(kubectl.run("get", "sts", "fmt", "-o", "json").ok().out()).contains("\"kind\": \"StatefulSet\"");
    assertThat(kubectl.run("get", "svc", "-l", "app!=nothing", "--show-labels").ok().out()).contains("fmt", "LABELS");
    assertThat(kubectl.run("get", "sts", "-l", "app=fmt", "-L", "app").ok().out()).containsPattern("fmt\\s+0/2\\s+\\S+\\s+fmt");
    assertThat(kubectl.run("get", "svc", "fmt").ok().out()).containsPattern("fmt\\s+ClusterIP\\s+None");
    assertThat(kubectl.run("get", "all", "-A").ok().out()).contains("statefulset.apps/fmt", "service/fmt");
  }

  @Test
  void getWatchPrintsChangesAsTheyHappen() throws Exception {
    Process watch = kubectl.start("get", "configmaps", "-w");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (Exception e) {
        // the process was stopped
      }
    });
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("create", "configmap", "watched-1").exitCode() == 0);
      await().atMost(Duration.ofSeconds(20)).until(() -> lines.stream().anyMatch(l -> l.startsWith("watched-1")));
      kubectl.run("create", "configmap", "watched-2").ok();
      await().atMost(Duration.ofSeconds(20)).until(() -> lines.stream().anyMatch(l -> l.startsWith("watched-2")));
      assertThat(watch.isAlive()).isTrue();
    } finally {
      watch.destroyForcibly();
      reader.join(5000);
    }
  }

  @Test
  void describeShowsTheStatefulSet() throws Exception {
    kubectl.apply(work, "desc.yaml", sts("desc", "nginx:1.27", "")).ok();
    assertThat(kubectl.run("describe", "sts", "desc").ok().out())
        .contains("Name:", "desc", "Replicas:", "2 desired", "Image:", "nginx:1.27", "Volume Claims:");
  }

  @Test
  void patchOfAllThreeTypes() throws Exception {
    kubectl.apply(work, "patch.yaml", sts("patch", "nginx:1.27", "")).ok();
    kubectl.run("patch", "sts", "patch", "--type", "merge", "-p", "{\"metadata\":{\"labels\":{\"merged\":\"yes\"}}}").ok();
    kubectl.run("patch", "sts", "patch", "--type", "json", "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]").ok();
    kubectl.run("patch", "sts", "patch", "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.28\"}]}}}}").ok();
    String out = kubectl.run("get", "sts", "patch", "-o",
        "jsonpath={.metadata.labels.merged} {.spec.replicas} {.spec.template.spec.containers[*].name} {.spec.template.spec.containers[0].image}").ok().out();
    assertThat(out).isEqualTo("yes 3 nginx nginx:1.28");
  }

  @Test
  void scaleAndWait() throws Exception {
    kubectl.apply(work, "scale.yaml", sts("scale", "nginx:1.27", "")).ok();
    assertThat(kubectl.run("scale", "sts", "scale", "--replicas=5").ok().out()).contains("statefulset.apps/scale scaled");
    assertThat(kubectl.run("wait", "sts/scale", "--for=jsonpath={.spec.replicas}=5", "--timeout=30s").ok().out())
        .contains("condition met");
    assertThat(kubectl.run("scale", "sts", "scale", "--current-replicas=4", "--replicas=1").exitCode()).isNotZero();
  }

  @Test
  void deleteCascadesToDependents() throws Exception {
    kubectl.apply(work, "owner.yaml", sts("owner", "nginx:1.27", "")).ok();
    String uid = kubectl.run("get", "sts", "owner", "-o", "jsonpath={.metadata.uid}").ok().out();
    String dependent = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          ownerReferences:
          - apiVersion: apps/v1
            kind: StatefulSet
            name: owner
            uid: %s
            controller: true
            blockOwnerDeletion: true
        """;
    kubectl.apply(work, "dep-orphan.yaml", dependent.formatted("dep-orphan", uid)).ok();
    assertThat(kubectl.run("delete", "sts", "owner", "--cascade=orphan").ok().out()).contains("deleted");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        kubectl.run("get", "cm", "dep-orphan", "-o", "jsonpath={.metadata.ownerReferences}").ok().out().isEmpty());

    kubectl.apply(work, "owner2.yaml", sts("owner", "nginx:1.27", "")).ok();
    String uid2 = kubectl.run("get", "sts", "owner", "-o", "jsonpath={.metadata.uid}").ok().out();
    kubectl.apply(work, "dep-bg.yaml", dependent.formatted("dep-bg", uid2)).ok();
    kubectl.run("delete", "sts", "owner").ok();
    await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("get", "cm", "dep-bg").exitCode() != 0);
    assertThat(kubectl.run("get", "cm", "dep-bg").err()).contains("NotFound");

    kubectl.apply(work, "owner3.yaml", sts("owner", "nginx:1.27", "")).ok();
    String uid3 = kubectl.run("get", "sts", "owner", "-o", "jsonpath={.metadata.uid}").ok().out();
    kubectl.apply(work, "dep-fg.yaml", dependent.formatted("dep-fg", uid3)).ok();
    kubectl.run("delete", "sts", "owner", "--cascade=foreground", "--timeout=30s").ok();
    assertThat(kubectl.run("get", "cm", "dep-fg").exitCode()).isNotZero();
    assertThat(kubectl.run("get", "cm", "dep-orphan").ok().out()).contains("dep-orphan");
  }

  @Test
  void namespaceDeletionEmptiesTheNamespace() throws Exception {
    kubectl.run("create", "namespace", "doomed").ok();
    kubectl.run("create", "configmap", "inside", "-n", "doomed").ok();
    kubectl.run("delete", "namespace", "doomed", "--timeout=60s").ok();
    assertThat(kubectl.run("get", "namespace", "doomed").err()).contains("NotFound");
    assertThat(kubectl.run("create", "configmap", "late", "-n", "doomed").err()).contains("namespaces \"doomed\" not found");
  }

  @Test
  void discoveryAndExplain() throws Exception {
    String resources = kubectl.run("api-resources").ok().out();
    assertThat(resources).containsPattern("statefulsets\\s+sts\\s+apps/v1\\s+true\\s+StatefulSet");
    assertThat(resources).containsPattern("pods\\s+po\\s+v1\\s+true\\s+Pod");
    assertThat(resources).containsPattern("poddisruptionbudgets\\s+pdb\\s+policy/v1\\s+true\\s+PodDisruptionBudget");
    assertThat(kubectl.run("explain", "statefulset.spec").ok().out()).contains("serviceName", "volumeClaimTemplates");
    assertThat(kubectl.run("version").ok().out()).contains("Server Version: v1.32");
  }

  @Test
  void healthEndpointsAnswerOk() throws Exception {
    for (String path : List.of("/readyz", "/livez", "/healthz")) {
      assertThat(kubectl.run("get", "--raw", path).ok().out()).isEqualTo("ok");
    }
  }

  /**
   * The dispatcher picks kubectl 1.32 from /version; the other installed minors work too. 1.27 and
   * 1.28 validate manifests against /openapi/v2, which Ordinal does not serve (it is a protobuf
   * document), so they apply with --validate=false.
   */
  @Test
  void otherKubectlVersionsWork() throws Exception {
    for (int minor = 27; minor <= 33; minor++) {
      java.nio.file.Path binary = java.nio.file.Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1." + minor);
      if (!java.nio.file.Files.isExecutable(binary)) {
        continue;
      }
      Kubectl other = new Kubectl(binary.toString(), ordinal.kubeconfig(), java.nio.file.Files.createTempDirectory(work, "cache-1." + minor));
      assertThat(other.run("get", "namespaces").ok().out()).as("kubectl 1.%d", minor).contains("kube-system");
      String name = "v1-" + minor;
      String validate = minor < 29 ? "--validate=false" : "--validate=strict";
      assertThat(other.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  k: v\n",
          "apply", validate, "-f", "-").ok().out()).as("kubectl 1.%d", minor).contains("configmap/" + name + " created");
      // a typed generator's protobuf body (policy/v1 PodDisruptionBudget)
      assertThat(other.run("create", "pdb", "pdb-1-" + minor, "--selector=app=x", "--min-available=50%").ok().out())
          .as("kubectl 1.%d", minor).contains("poddisruptionbudget.policy/pdb-1-" + minor + " created");
      assertThat(kubectl.run("get", "pdb", "pdb-1-" + minor, "-o", "jsonpath={.spec.minAvailable}").ok().out()).isEqualTo("50%");
    }
  }

  @Test
  void errorsComeBackAsKubernetesStatus() throws Exception {
    assertThat(kubectl.run("get", "sts", "absent").err()).contains("Error from server (NotFound)", "\"absent\" not found");
    var bad = kubectl.apply(work, "bad.yaml", sts("Bad_Name", "nginx", ""));
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("is invalid", "metadata.name");
    var unknown = kubectl.apply(work, "unknown.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: typo
        dataa:
          k: v
        """);
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.err()).contains("unknown field \"dataa\"");
  }
}
