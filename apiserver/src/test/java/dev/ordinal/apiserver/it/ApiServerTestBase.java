package dev.ordinal.apiserver.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One real API server per test class, over a SQLite file in a temporary directory. */
abstract class ApiServerTestBase {
  @TempDir static Path dir;
  static TestApiServer api;

  @BeforeAll
  static void startServer() throws Exception {
    api = new TestApiServer(dir);
  }

  @AfterAll
  static void stopServer() {
    api.close();
  }
}
