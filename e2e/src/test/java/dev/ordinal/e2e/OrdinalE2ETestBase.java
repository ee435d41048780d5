package dev.ordinal.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real `ordinal up` per test class, and a kubectl with its own cache pointed at it; the
 * control plane alone unless the class names a runtime with {@link ServerRuntime}.
 */
abstract class OrdinalE2ETestBase {
  /** The `--runtime` of the class's server, e.g. "simulated". */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface ServerRuntime {
    String value();
  }

  @TempDir static Path work;
  static OrdinalProcess ordinal;
  static Kubectl kubectl;

  @BeforeAll
  static void startOrdinal(TestInfo test) throws Exception {
    String runtime = test.getTestClass().map(c -> c.getAnnotation(ServerRuntime.class)).map(ServerRuntime::value).orElse("none");
    ordinal = new OrdinalProcess(work, runtime).start();
    kubectl = new Kubectl(ordinal.kubeconfig(), Files.createDirectories(work.resolve("kube-cache")));
  }

  @AfterAll
  static void stopOrdinal() throws Exception {
    ordinal.close();
  }
}
