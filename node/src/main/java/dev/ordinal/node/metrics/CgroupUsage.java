package dev.ordinal.node.metrics;

import dev.ordinal.apiserver.nodes.NodeStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Pure arithmetic on cgroup readings, as kubelet (through cAdvisor) and metrics-server do it: CPU
 * is a cumulative counter turned into a rate over two readings; memory is the working set, usage
 * less the inactive file pages the kernel can drop at once.
 */
public final class CgroupUsage {
  private CgroupUsage() {}

  /** One reading of a cgroup (or of the machine): cumulative CPU time and the working set then. */
  public record Reading(Instant at, long cpuNanos, long workingSetBytes) {}

  /** cgroup v2 {@code cpu.stat}'s {@code usage_usec}, in nanoseconds; -1 when absent. */
  public static long cpuNanosV2(String cpuStat) {
    long usec = field(cpuStat, "usage_usec");
    return usec < 0 ? -1 : usec * 1000;
  }

  /** cgroup v1 {@code cpuacct.usage} (already nanoseconds); -1 when unreadable. */
  public static long cpuNanosV1(String cpuacctUsage) {
    try {
      return Long.parseLong(cpuacctUsage.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The working set: {@code usage} ({@code memory.current} on v2, {@code memory.usage_in_bytes} on
   * v1) less the inactive file pages of {@code memoryStat} ({@code inactive_file} on v2,
   * {@code total_inactive_file} on v1, hierarchical as kubelet takes it), never below zero.
   */
  public static long workingSet(long usage, String memoryStat, boolean v2) {
    long inactive = field(memoryStat, v2 ? "inactive_file" : "total_inactive_file");
    if (inactive < 0) {
      inactive = 0;
    }
    return Math.max(0, usage - inactive);
  }

  /**
   * The usage between two readings: CPU in nanocores (CPU nanoseconds per wall-clock second),
   * memory at the later one. Empty when the readings are not in order or the counter went back
   * (the cgroup was made anew: a restarted container), as metrics-server drops such points.
   */
  public static Optional<NodeStats.Usage> between(Reading earlier, Reading later) {
    long wall = Duration.between(earlier.at(), later.at()).toNanos();
    long cpu = later.cpuNanos() - earlier.cpuNanos();
    if (wall <= 0 || cpu < 0 || earlier.cpuNanos() < 0) {
      return Optional.empty();
    }
    long nanoCores = (long) ((double) cpu * 1_000_000_000d / wall);
    return Optional.of(new NodeStats.Usage(later.at(), Duration.ofNanos(wall), nanoCores, later.workingSetBytes()));
  }

  /** The machine's busy CPU time from {@code /proc/stat}'s first line (all but idle and iowait), in nanoseconds at USER_HZ 100. */
  public static long machineCpuNanos(String procStat) {
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
          if (i != 4 && i != 5) {
            busy += Long.parseLong(f[i]);
          }
        }
        return busy * 10_000_000L;
      }
    }
    return -1;
  }

  /** The machine's memory in use from {@code /proc/meminfo}: MemTotal less MemAvailable, in bytes. */
  public static long machineWorkingSet(String meminfo) {
    long total = field(meminfo.replace(":", ""), "MemTotal");
    long available = field(meminfo.replace(":", ""), "MemAvailable");
    return total < 0 || available < 0 ? 0 : (total - available) * 1024;
  }

  /** The number after {@code key} on its own line ({@code key value [unit]}), or -1. */
  static long field(String text, String key) {
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 2 && f[0].equals(key)) {
        try {
          return Long.parseLong(f[1]);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
