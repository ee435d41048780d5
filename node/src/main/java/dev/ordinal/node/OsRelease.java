package dev.ordinal.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The PRETTY_NAME of /etc/os-release, as a kubelet reports osImage. */
final class OsRelease {
  private OsRelease() {}

  static String prettyName() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // no os-release: report the JVM's view
    }
    return System.getProperty("os.name");
  }
}
