package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * NEEDS CRDs (branch h-crd): a small operator written with the Java Operator SDK reconciles a
 * {@code WebSet} custom resource into a StatefulSet it owns, and reports the set's ready replicas
 * in the resource's status, against a real {@code ordinal up} (simulated runtime, whose pods
 * become ready). Scaling the resource scales the set; deleting it lets the garbage collector
 * remove the set.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class WebSetOperatorE2E extends OrdinalE2ETestBase {

  static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: websets.e2e.ordinal.dev
      spec:
        group: e2e.ordinal.dev
        scope: Namespaced
        names: {plural: websets, singular: webset, kind: WebSet}
        versions:
        - name: v1
          served: true
          storage: true
          subresources: {status: {}}
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  required: [replicas, image]
                  properties:
                    replicas: {type: integer, minimum: 0}
                    image: {type: string}
                status:
                  type: object
                  properties:
                    readyReplicas: {type: integer}
      """;

  public static class WebSetSpec {
    public int replicas;
    public String image;
  }

  public static class WebSetStatus {
    public Integer readyReplicas;
  }

  @Group("e2e.ordinal.dev")
  @Version("v1")
  public static class WebSet extends CustomResource<WebSetSpec, WebSetStatus> implements Namespaced {}

  /** Reconciles a WebSet into its StatefulSet: one reconcile per key, from the current state, written only on a difference. */
  @ControllerConfiguration
  public static class WebSetReconciler implements Reconciler<WebSet> {
    @Override
    public UpdateControl<WebSet> reconcile(WebSet web, Context<WebSet> context) {
      KubernetesClient client = context.getClient();
      String ns = web.getMetadata().getNamespace();
      String name = web.getMetadata().getName();
      Map<String, String> labels = Map.of("webset", name);
      StatefulSet desired = new StatefulSetBuilder()
          .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).withLabels(labels).build())
          .withNewSpec().withReplicas(web.getSpec().replicas).withServiceName(name)
          .withNewSelector().withMatchLabels(labels).endSelector()
          .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
          .withNewSpec().addNewContainer().withName("web").withImage(web.getSpec().image).endContainer().endSpec()
          .endTemplate().endSpec().build();
      desired.addOwnerReference(web);
      StatefulSet current = client.apps().statefulSets().inNamespace(ns).withName(name).get();
      if (current == null) {
        current = client.resource(desired).create();
      } else if (!Objects.equals(current.getSpec().getReplicas(), web.getSpec().replicas)
          || !current.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().equals(web.getSpec().image)) {
        current = client.apps().statefulSets().inNamespace(ns).withName(name).edit(s -> {
          s.getSpec().setReplicas(web.getSpec().replicas);
          s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(web.getSpec().image);
          return s;
        });
      }
      Integer ready = current.getStatus() == null ? null : current.getStatus().getReadyReplicas();
      int readyNow = ready == null ? 0 : ready;
      WebSetStatus status = new WebSetStatus();
      status.readyReplicas = readyNow;
      if (web.getStatus() != null && Objects.equals(web.getStatus().readyReplicas, readyNow)) {
        return UpdateControl.<WebSet>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
      }
      web.setStatus(status);
      // the StatefulSet's readiness changes without an event on the WebSet: look again soon
      return UpdateControl.patchStatus(web).rescheduleAfter(Duration.ofSeconds(1));
    }
  }

  @Test
  void theOperatorReconcilesAWebSetIntoAStatefulSetAndFollowsItsChanges() throws Exception {
    kubectl.runWithInput(CRD, "apply", "-f", "-").ok();
    kubectl.run("wait", "--for=condition=Established", "crd/websets.e2e.ordinal.dev", "--timeout=30s").ok();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(ordinal.kubeconfig()))).build()) {
      Operator operator = new Operator(o -> o.withKubernetesClient(client));
      operator.register(new WebSetReconciler());
      operator.start();
      try {
        kubectl.runWithInput("""
            apiVersion: e2e.ordinal.dev/v1
            kind: WebSet
            metadata: {name: shop}
            spec: {replicas: 2, image: "nginx:1.27"}
            """, "apply", "-f", "-").ok();
        await().atMost(Duration.ofSeconds(60)).until(() ->
            kubectl.run("get", "webset", "shop", "-o", "jsonpath={.status.readyReplicas}").out().equals("2"));
        assertThat(kubectl.run("get", "sts", "shop", "-o", "jsonpath={.spec.replicas} {.metadata.ownerReferences[0].kind}").ok().out())
            .isEqualTo("2 WebSet");

        kubectl.run("patch", "webset", "shop", "--type=merge", "-p", "{\"spec\":{\"replicas\":3}}").ok();
        await().atMost(Duration.ofSeconds(60)).until(() ->
            kubectl.run("get", "webset", "shop", "-o", "jsonpath={.status.readyReplicas}").out().equals("3"));
        assertThat(kubectl.run("get", "pods", "-l", "webset=shop", "-o", "name").ok().out().trim().lines())
            .containsExactly("pod/shop-0", "pod/shop-1", "pod/shop-2");

        kubectl.run("delete", "webset", "shop").ok();
        await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "sts", "shop").exitCode() != 0);
      } finally {
        operator.stop();
      }
    }
  }
}
