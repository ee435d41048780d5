package dev.ordinal.server;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A whole control plane with the simulated node, in process, and a fabric8 client for it: what the
 * StatefulSet scenario tests drive. Each test works in a namespace of its own.
 */
final class SimulatedCluster implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofSeconds(60);

  final ControlPlane plane;
  final KubernetesClient client;
  private int namespaces;

  SimulatedCluster(Path dir) throws Exception {
    plane = ControlPlane.start(DataDir.open(dir.resolve("data")), "127.0.0.1", 0, ControlPlane.Runtime.SIMULATED);
    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(plane.dataDir().kubeconfig()))).build();
  }

  String newNamespace() {
    String name = "scenario-" + (++namespaces);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    return name;
  }

  void deleteNamespace(String name) {
    client.namespaces().withName(name).delete();
    await().atMost(PATIENCE).until(() -> client.namespaces().withName(name).get() == null);
  }

  /** A StatefulSet `web` of nginx with a `www` claim template; the YAML fragments go into its spec. */
  static String web(int replicas, String specExtra, String podAnnotations) {
    return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
          serviceName: nginx
          replicas: %d
        %s
          selector:
            matchLabels:
              app: nginx
          template:
            metadata:
              labels:
                app: nginx
              annotations: {%s}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: nginx
                image: nginx:1.27
                readinessProbe:
                  tcpSocket:
                    port: 80
                  periodSeconds: 1
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
        """.formatted(replicas, specExtra.indent(2).stripTrailing(), podAnnotations);
  }

  StatefulSet create(String ns, String yaml) {
    return client.apps().statefulSets().inNamespace(ns)
        .resource(client.getKubernetesSerialization().unmarshal(yaml, StatefulSet.class)).create();
  }

  StatefulSetStatus status(String ns) {
    StatefulSet s = client.apps().statefulSets().inNamespace(ns).withName("web").get();
    return s == null || s.getStatus() == null ? new StatefulSetStatus() : s.getStatus();
  }

  void awaitStatus(String ns, Predicate<StatefulSetStatus> done) {
    await().atMost(PATIENCE).until(() -> done.test(status(ns)));
  }

  List<Pod> pods(String ns) {
    return client.pods().inNamespace(ns).withLabel("app", "nginx").list().getItems();
  }

  List<String> podNames(String ns) {
    return names(pods(ns));
  }

  List<String> claimNames(String ns) {
    return names(client.persistentVolumeClaims().inNamespace(ns).list().getItems());
  }

  PersistentVolumeClaim claim(String ns, String name) {
    return client.persistentVolumeClaims().inNamespace(ns).withName(name).get();
  }

  Pod pod(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  static String revision(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? "" : labels.getOrDefault("controller-revision-hash", "");
  }

  static boolean ready(Pod pod) {
    return pod != null && pod.getStatus() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).sorted().toList();
  }

  @Override
  public void close() {
    client.close();
    plane.close();
  }
}
