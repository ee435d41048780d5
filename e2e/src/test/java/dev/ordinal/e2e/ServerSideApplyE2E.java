package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply with the real kubectl on `ordinal up --runtime simulated`: two managers of a
 * StatefulSet conflict and --force-conflicts takes over, a field dropped from the applied file is
 * removed, diff --server-side and --dry-run=server show without writing, and kubectl's move from
 * client-side apply keeps working.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class ServerSideApplyE2E extends OrdinalE2ETestBase {

  private static String sts(String replicas, String extraSpec, String image) {
    return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
        %s%s  serviceName: web
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: nginx
                image: %s
        """.formatted(replicas == null ? "" : "  replicas: " + replicas + "\n", extraSpec, image);
  }

  private Path file(String name, String yaml) throws Exception {
    Path f = work.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  private String get(String jsonpath) throws Exception {
    return kubectl.run("get", "statefulset", "web", "-o", "jsonpath=" + jsonpath).ok().out().trim();
  }

  @Test
  void twoManagersOfAStatefulSet() throws Exception {
    Path first = file("first.yaml", sts("2", "  minReadySeconds: 3\n", "nginx:1.27"));
    assertThat(kubectl.run("apply", "--server-side", "-f", first.toString()).ok().out())
        .contains("statefulset.apps/web serverside-applied");
    assertThat(get("{.metadata.managedFields[0].manager}/{.metadata.managedFields[0].operation}")).isEqualTo("kubectl/Apply");

    // the second manager applies the replicas alone (sharing nothing else)
    Path other = file("other.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: 3\n");
    Kubectl.Result conflict = kubectl.run("apply", "--server-side", "--field-manager=scaler", "-f", other.toString());
    assertThat(conflict.exitCode()).isNotZero();
    assertThat(conflict.err()).contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");
    assertThat(get("{.spec.replicas}")).isEqualTo("2");

    assertThat(kubectl.run("apply", "--server-side", "--field-manager=scaler", "--force-conflicts", "-f", other.toString())
        .ok().out()).contains("serverside-applied");
    assertThat(get("{.spec.replicas}")).isEqualTo("3");
    assertThat(get("{.metadata.managedFields[?(@.manager==\"scaler\")].fieldsV1.f:spec.f:replicas}")).isEqualTo("{}");

    // kubectl's file without minReadySeconds (and without the replicas it lost): the field goes
    Path dropped = file("dropped.yaml", sts(null, "", "nginx:1.27"));
    kubectl.run("apply", "--server-side", "-f", dropped.toString()).ok();
    assertThat(get("{.spec.minReadySeconds}")).isEmpty();
    assertThat(get("{.spec.replicas}")).isEqualTo("3");

    // diff and dry run show the change and write nothing
    String rv = get("{.metadata.resourceVersion}");
    Path newer = file("newer.yaml", sts(null, "", "nginx:1.28"));
    Kubectl.Result diff = kubectl.run("diff", "--server-side", "-f", newer.toString());
    assertThat(diff.exitCode()).as(diff.err()).isEqualTo(1);
    assertThat(diff.out()).contains("-      - image: nginx:1.27", "+      - image: nginx:1.28");
    assertThat(kubectl.run("apply", "--server-side", "--dry-run=server", "-f", newer.toString()).ok().out())
        .contains("serverside-applied (server dry run)");
    assertThat(get("{.metadata.resourceVersion}")).isEqualTo(rv);
    assertThat(get("{.spec.template.spec.containers[0].image}")).isEqualTo("nginx:1.27");
  }

  @Test
  void fromClientSideApplyToServerSideApply() throws Exception {
    String cm = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          a: "1"
        %s""";
    kubectl.run("apply", "-f", file("cm.yaml", cm.formatted("  b: \"2\"\n")).toString()).ok();
    assertThat(kubectl.run("get", "configmap", "settings", "-o", "jsonpath={.metadata.managedFields[0].manager}").ok().out())
        .isEqualTo("kubectl-client-side-apply");
    // the same file's owner, now server-side, without b: no conflict, and b goes
    Kubectl.Result ssa = kubectl.run("apply", "--server-side", "-f", file("cm2.yaml", cm.formatted("  c: \"3\"\n")).toString());
    assertThat(ssa.exitCode()).as(ssa.err()).isZero();
    assertThat(kubectl.run("get", "configmap", "settings", "-o", "jsonpath={.data}").ok().out())
        .isEqualTo("{\"a\":\"1\",\"c\":\"3\"}");
  }
}
