package dev.ordinal.node.runc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Container log rotation as kubelet's container log manager does it (containerLogMaxSize,
 * containerLogMaxFiles): once the current log passes the size, it is renamed
 * {@code container.log.<UTC timestamp>} and the runtime is asked to reopen it, and the oldest
 * rotated files go so that at most {@code maxFiles} files, the current one included, remain.
 * Pure: from the files of one container run to what to do.
 */
final class LogRotation {
  static final String CURRENT = "container.log";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSSSSS").withZone(ZoneOffset.UTC);

  /** One file of a run's directory. */
  record LogFile(String name, long size) {}

  /** What to do: rename the current log to {@code rotateTo} (null: leave it), then delete these rotated files. */
  record Plan(String rotateTo, List<String> delete) {
    static final Plan NOTHING = new Plan(null, List.of());
  }

  record Limits(long maxSize, int maxFiles) {
    /** kubelet's defaults: 10 Mi and 5 files. */
    static final Limits DEFAULT = new Limits(10L * 1024 * 1024, 5);

    Limits {
      if (maxFiles < 2) {
        throw new IllegalArgumentException("containerLogMaxFiles must be at least 2, was " + maxFiles);
      }
      if (maxSize <= 0) {
        throw new IllegalArgumentException("containerLogMaxSize must be positive, was " + maxSize);
      }
    }
  }

  private LogRotation() {}

  static boolean isRotated(String name) {
    return name.startsWith(CURRENT + ".");
  }

  static Plan plan(List<LogFile> files, Limits limits, Instant now) {
    LogFile current = files.stream().filter(f -> f.name().equals(CURRENT)).findFirst().orElse(null);
    List<String> rotated = new ArrayList<>(files.stream().map(LogFile::name).filter(LogRotation::isRotated)
        .sorted(Comparator.naturalOrder()).toList()); // timestamps sort by age
    String rotateTo = null;
    if (current != null && current.size() > limits.maxSize()) {
      rotateTo = CURRENT + "." + STAMP.format(now);
      rotated.add(rotateTo);
    }
    // the current one (present again right after the reopen) counts as one of maxFiles
    int keep = limits.maxFiles() - 1;
    List<String> delete = rotated.size() > keep ? List.copyOf(rotated.subList(0, rotated.size() - keep)) : List.of();
    if (rotateTo == null && delete.isEmpty()) {
      return Plan.NOTHING;
    }
    return new Plan(rotateTo, delete);
  }

  /** The files to read for {@code kubectl logs}: rotated ones oldest first, then the current one. */
  static List<String> readingOrder(List<String> names) {
    List<String> out = new ArrayList<>(names.stream().filter(LogRotation::isRotated).sorted().toList());
    if (names.contains(CURRENT)) {
      out.add(CURRENT);
    }
    return out;
  }
}
