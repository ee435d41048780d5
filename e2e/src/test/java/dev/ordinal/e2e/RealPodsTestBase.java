package dev.ordinal.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real `ordinal up --runtime runc` per test class. Whatever the outcome, the workloads are
 * deleted and the host is left as it was found; a failing test carries a post-mortem of the
 * cluster in its message, since CI shows little else.
 */
@ExtendWith(PostMortem.class)
abstract class RealPodsTestBase {
  @TempDir static Path work;
  static OrdinalProcess ordinal;
  static Kubectl kubectl;

  /** JVM options for the server of the test class so annotated, on top of the launcher's. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface ServerJvmOptions {
    String[] value();
  }

  /** Arguments of `ordinal up` for the test class so annotated (e.g. --allow-privileged). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface UpArguments {
    String[] value();
  }

  @BeforeAll
  static void startOrdinal(TestInfo test) throws Exception {
    assumeTrue(HostLeftovers.canRunContainers(), "needs root with runc, conmon, the CNI plugins and the test images (./ordinal test installs them as root)");
    ServerJvmOptions options = test.getTestClass().map(c -> c.getAnnotation(ServerJvmOptions.class)).orElse(null);
    UpArguments up = test.getTestClass().map(c -> c.getAnnotation(UpArguments.class)).orElse(null);
    ordinal = new OrdinalProcess(work, "runc", options == null ? List.of() : List.of(options.value()),
        up == null ? List.of() : List.of(up.value())).start();
    kubectl = new Kubectl(ordinal.kubeconfig(), Files.createDirectories(work.resolve("kube-cache")));
  }

  /** Deletes every namespace but the system ones, with their pods and claims. */
  @AfterAll
  static void stopOrdinal() throws Exception {
    if (ordinal == null) {
      return;
    }
    try {
      // owners first, so no controller re-creates the pods deleted after them
      kubectl.run("delete", "deployments,replicasets,replicationcontrollers,statefulsets,pods", "--all", "--all-namespaces", "--timeout=90s");
      kubectl.run("delete", "pvc", "--all", "--all-namespaces", "--timeout=60s");
    } finally {
      ordinal.close();
      ordinal = null;
      HostLeftovers.clean(work.resolve("data"));
    }
  }

  /** The path of one of the project's examples. */
  static Path example(String name) {
    return Path.of(System.getProperty("ordinal.root", ".."), "examples", name).toAbsolutePath();
  }
}
