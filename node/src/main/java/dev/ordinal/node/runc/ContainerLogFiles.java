package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where a container's CRI log files are: {@code <pods>/<uid>/containers/<name>/<run>/container.log}, rotated beside it. */
final class ContainerLogFiles {
  private ContainerLogFiles() {}

  /** The current (or, with {@code previous}, the run before's) log file. */
  static Optional<Path> current(Path podsDir, String podUid, String container, boolean previous) {
    Path dir = podsDir.resolve(podUid).resolve("containers").resolve(container);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (var runs = Files.list(dir)) {
      List<Integer> attempts = runs.map(r -> r.getFileName().toString()).filter(n -> n.matches("\\d+")).map(Integer::parseInt)
          .sorted().toList();
      int index = attempts.size() - (previous ? 2 : 1);
      return index < 0 ? Optional.empty() : Optional.of(dir.resolve(String.valueOf(attempts.get(index))).resolve("container.log"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** That run's files, rotated ones first, in reading order. */
  static List<Path> all(Path podsDir, String podUid, String container, boolean previous) {
    Optional<Path> current = current(podsDir, podUid, container, previous);
    if (current.isEmpty()) {
      return List.of();
    }
    Path dir = current.get().getParent();
    try (var files = Files.list(dir)) {
      return LogRotation.readingOrder(files.map(f -> f.getFileName().toString()).toList()).stream().map(dir::resolve).toList();
    } catch (IOException e) {
      return List.of(current.get());
    }
  }
}
