package dev.ordinal.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's memory, from /proc/meminfo (the JVM only knows its own heap). */
final class MachineMemory {
  private MachineMemory() {}

  static long totalBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or an unexpected format: fall through
    }
    return Runtime.getRuntime().maxMemory();
  }
}
