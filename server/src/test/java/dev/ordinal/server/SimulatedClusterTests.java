package dev.ordinal.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** One {@link SimulatedCluster} per test class, and a fresh namespace per test, deleted after it. */
abstract class SimulatedClusterTests {
  @TempDir static Path dir;
  static SimulatedCluster cluster;
  String ns;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new SimulatedCluster(dir);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @BeforeEach
  void newNamespace() {
    ns = cluster.newNamespace();
  }

  @AfterEach
  void deleteNamespace() {
    cluster.deleteNamespace(ns);
  }
}
