package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A CustomResourceDefinition driven by real kubectl against `ordinal up`: two versions, printer
 * columns, status and scale subresources and a CEL rule; refusals with field paths; get by
 * plural, singular, short name and category; scale; explain; and deleting the CRD removes its objects.
 */
class CustomResourcesE2E extends OrdinalE2ETestBase {
  static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.com
      spec:
        group: example.com
        scope: Namespaced
        names:
          plural: widgets
          singular: widget
          kind: Widget
          shortNames: [wd]
          categories: [examples]
        versions:
        - name: v1
          served: true
          storage: true
          subresources:
            status: {}
            scale:
              specReplicasPath: .spec.replicas
              statusReplicasPath: .status.replicas
          additionalPrinterColumns:
          - name: Replicas
            type: integer
            jsonPath: .spec.replicas
          - name: Size
            type: string
            jsonPath: .spec.size
          - name: Age
            type: date
            jsonPath: .metadata.creationTimestamp
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  description: What the widget should be.
                  x-kubernetes-validations:
                  - rule: self.replicas <= self.maxReplicas
                    messageExpression: "'replicas must be at most ' + string(self.maxReplicas)"
                  properties:
                    size:
                      type: string
                      enum: [small, large]
                      default: small
                    replicas:
                      type: integer
                      minimum: 0
                    maxReplicas:
                      type: integer
                      default: 5
                status:
                  type: object
                  properties:
                    replicas:
                      type: integer
        - name: v1beta1
          served: true
          storage: false
          schema:
            openAPIV3Schema:
              type: object
              x-kubernetes-preserve-unknown-fields: true
      """;

  static String widget(String name, String spec) {
    return """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: %s
        spec:
        %s
        """.formatted(name, spec.indent(2));
  }

  @Test
  void aCustomResourceLifecycleWithKubectl() throws Exception {
    assertThat(kubectl.apply(work, "crd.yaml", CRD).ok().out()).contains("customresourcedefinition.apiextensions.k8s.io/widgets.example.com created");
    kubectl.run("wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s").ok();

    Kubectl.Result invalid = kubectl.apply(work, "bad.yaml", widget("bad", "replicas: lots"));
    assertThat(invalid.exitCode()).isNotZero();
    assertThat(invalid.err()).contains("spec.replicas").contains("must be of type integer");
    Kubectl.Result cel = kubectl.apply(work, "cel.yaml", widget("big", "replicas: 9"));
    assertThat(cel.exitCode()).isNotZero();
    assertThat(cel.err()).contains("The Widget \"big\" is invalid: spec: Invalid value: \"object\": replicas must be at most 5");

    assertThat(kubectl.apply(work, "w.yaml", widget("w", "replicas: 2")).ok().out()).contains("widget.example.com/w created");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(kubectl.run("get", "widgets").ok().out())
        .containsPattern("NAME\\s+REPLICAS\\s+SIZE\\s+AGE").containsPattern("w\\s+2\\s+small\\s+\\d+s"));
    for (String name : new String[] {"widget", "wd", "examples", "widgets.example.com"}) {
      assertThat(kubectl.run("get", name).ok().out()).as(name).containsPattern("w\\s+2\\s+small");
    }
    assertThat(kubectl.apply(work, "w.yaml", widget("w", "replicas: 2")).ok().out()).contains("widget.example.com/w unchanged");

    assertThat(kubectl.run("scale", "widget/w", "--replicas=3").ok().out()).contains("widget.example.com/w scaled");
    assertThat(kubectl.run("get", "widget", "w", "-o", "jsonpath={.spec.replicas}").ok().out()).isEqualTo("3");
    assertThat(kubectl.run("get", "widgets.v1beta1.example.com", "w", "-o", "jsonpath={.apiVersion}").ok().out())
        .isEqualTo("example.com/v1beta1");
    assertThat(kubectl.run("explain", "widgets.spec").ok().out()).contains("KIND:       Widget").contains("What the widget should be.");

    assertThat(kubectl.run("delete", "crd", "widgets.example.com").ok().out()).contains("deleted");
    Kubectl.Result gone = kubectl.run("get", "widgets.example.com");
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.err()).contains("the server doesn't have a resource type \"widgets\"");
  }

  /**
   * Custom resources are objects like any other: a namespace's deletion removes them, and the
   * garbage collector follows owner references to and from them.
   */
  @Test
  void namespaceDeletionAndTheGarbageCollectorReachCustomResources() throws Exception {
    kubectl.apply(work, "crd.yaml", CRD.replace("widgets.example.com", "widgets.gc.example.com").replace("group: example.com", "group: gc.example.com")
        .replace("shortNames: [wd]", "shortNames: [gcwd]").replace("categories: [examples]", "categories: [gcexamples]")).ok();
    kubectl.run("wait", "--for=condition=Established", "crd/widgets.gc.example.com", "--timeout=30s").ok();
    kubectl.run("create", "namespace", "gcwidgets").ok();
    String owner = widget("owner", "replicas: 1").replace("example.com/v1", "gc.example.com/v1");
    kubectl.runWithInput(owner, "-n", "gcwidgets", "apply", "-f", "-").ok();
    String uid = kubectl.run("-n", "gcwidgets", "get", "widgets.gc.example.com", "owner", "-o", "jsonpath={.metadata.uid}").ok().out();
    // a ConfigMap owned by the widget, and a widget owned by a ConfigMap
    kubectl.runWithInput("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: owned-by-widget
          ownerReferences:
          - {apiVersion: gc.example.com/v1, kind: Widget, name: owner, uid: %s}
        data: {a: "1"}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: owns-a-widget
        data: {a: "1"}
        """.formatted(uid), "-n", "gcwidgets", "apply", "-f", "-").ok();
    String cmUid = kubectl.run("-n", "gcwidgets", "get", "configmap", "owns-a-widget", "-o", "jsonpath={.metadata.uid}").ok().out();
    kubectl.runWithInput(widget("owned", "replicas: 1").replace("example.com/v1", "gc.example.com/v1")
        .replace("  name: owned", "  name: owned\n  ownerReferences:\n  - {apiVersion: v1, kind: ConfigMap, name: owns-a-widget, uid: " + cmUid + "}"),
        "-n", "gcwidgets", "apply", "-f", "-").ok();

    kubectl.run("-n", "gcwidgets", "delete", "widgets.gc.example.com", "owner").ok();
    kubectl.run("-n", "gcwidgets", "delete", "configmap", "owns-a-widget").ok();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(kubectl.run("-n", "gcwidgets", "get", "configmap", "owned-by-widget").exitCode()).as("the widget's ConfigMap").isNotZero();
      assertThat(kubectl.run("-n", "gcwidgets", "get", "widgets.gc.example.com", "owned").exitCode()).as("the ConfigMap's widget").isNotZero();
    });

    kubectl.runWithInput(widget("left", "replicas: 1").replace("example.com/v1", "gc.example.com/v1"), "-n", "gcwidgets", "apply", "-f", "-").ok();
    kubectl.run("delete", "namespace", "gcwidgets", "--timeout=60s").ok();
    assertThat(kubectl.run("get", "widgets.gc.example.com", "-A", "-o", "name").ok().out()).isEmpty();
    kubectl.run("delete", "crd", "widgets.gc.example.com").ok();
  }
}
