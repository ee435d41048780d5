package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An Indexed Job on real pods: five completions, two at a time, each pod printing the index the
 * controller gave it (JOB_COMPLETION_INDEX from the downward API) and its hostname.
 */
class IndexedJobE2E extends RealPodsTestBase {
  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", "batch").ok();
  }

  @AfterAll
  static void deleteNamespace() throws Exception {
    kubectl.run("delete", "namespace", "batch", "--timeout=120s");
  }

  @Test
  void eachPodRunsItsIndex() throws Exception {
    String job = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: idx
          namespace: batch
        spec:
          completions: 5
          parallelism: 2
          completionMode: Indexed
          template:
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: ["sh", "-c", "echo index=$JOB_COMPLETION_INDEX host=$(hostname)"]
        """;
    kubectl.runWithInput(job, "apply", "-f", "-").ok();
    assertThat(kubectl.run("-n", "batch", "wait", "--for=condition=complete", "job/idx", "--timeout=180s").ok().out())
        .contains("condition met");
    assertThat(kubectl.run("-n", "batch", "get", "job", "idx", "-o", "jsonpath={.status.completedIndexes}").ok().out()).isEqualTo("0-4");
    Set<String> lines = new TreeSet<>();
    for (String pod : kubectl.run("-n", "batch", "get", "pods", "-l", "batch.kubernetes.io/job-name=idx", "-o", "name").ok().out().trim().lines().toList()) {
      lines.add(kubectl.run("-n", "batch", "logs", pod).ok().out().trim());
    }
    assertThat(lines).containsExactly("index=0 host=idx-0", "index=1 host=idx-1", "index=2 host=idx-2", "index=3 host=idx-3",
        "index=4 host=idx-4");
    kubectl.run("-n", "batch", "delete", "job", "idx", "--timeout=120s").ok();
  }
}
