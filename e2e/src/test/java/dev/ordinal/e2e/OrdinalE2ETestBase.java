package dev.ordinal.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One real `ordinal up` per test class, and a kubectl with its own cache pointed at it. */
abstract class OrdinalE2ETestBase {
  @TempDir static Path work;
  static OrdinalProcess ordinal;
  static Kubectl kubectl;

  @BeforeAll
  static void startOrdinal() throws Exception {
    ordinal = new OrdinalProcess(work).start();
    kubectl = new Kubectl(ordinal.kubeconfig(), Files.createDirectories(work.resolve("kube-cache")));
  }

  @AfterAll
  static void stopOrdinal() throws Exception {
    ordinal.close();
  }
}
