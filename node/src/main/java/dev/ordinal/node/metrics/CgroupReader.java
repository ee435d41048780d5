package dev.ordinal.node.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads a container's cgroup: on a pure cgroup v2 host its {@code cpu.stat}, {@code memory.current}
 * and {@code memory.stat}; on a v1 or hybrid host (this CI's) the {@code cpuacct} and
 * {@code memory} controllers' files. Blocking file reads: call from a platform thread.
 */
public final class CgroupReader {
  private final Path root;

  public CgroupReader(Path root) {
    this.root = root;
  }

  public static CgroupReader system() {
    return new CgroupReader(Path.of("/sys/fs/cgroup"));
  }

  /** The cgroup's reading now, or empty when it does not exist (the container is gone). */
  public Optional<CgroupUsage.Reading> read(String cgroupsPath, Instant now) {
    String rel = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
    try {
      if (Files.exists(root.resolve("cgroup.controllers"))) {
        Path dir = root.resolve(rel);
        if (!Files.isDirectory(dir)) {
          return Optional.empty();
        }
        long cpu = CgroupUsage.cpuNanosV2(Files.readString(dir.resolve("cpu.stat")));
        long usage = Long.parseLong(Files.readString(dir.resolve("memory.current")).strip());
        return Optional.of(new CgroupUsage.Reading(now, cpu, CgroupUsage.workingSet(usage, Files.readString(dir.resolve("memory.stat")), true)));
      }
      Path cpuDir = root.resolve("cpuacct").resolve(rel);
      if (!Files.isDirectory(cpuDir)) {
        cpuDir = root.resolve("cpu,cpuacct").resolve(rel);
      }
      Path memDir = root.resolve("memory").resolve(rel);
      if (!Files.isDirectory(cpuDir) || !Files.isDirectory(memDir)) {
        return Optional.empty();
      }
      long cpu = CgroupUsage.cpuNanosV1(Files.readString(cpuDir.resolve("cpuacct.usage")));
      long usage = Long.parseLong(Files.readString(memDir.resolve("memory.usage_in_bytes")).strip());
      return Optional.of(new CgroupUsage.Reading(now, cpu, CgroupUsage.workingSet(usage, Files.readString(memDir.resolve("memory.stat")), false)));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty(); // removed between the check and the read
    }
  }

  /** The machine's reading, from /proc. */
  public static Optional<CgroupUsage.Reading> machine(Instant now) {
    try {
      return Optional.of(new CgroupUsage.Reading(now, CgroupUsage.machineCpuNanos(Files.readString(Path.of("/proc/stat"))),
          CgroupUsage.machineWorkingSet(Files.readString(Path.of("/proc/meminfo")))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
