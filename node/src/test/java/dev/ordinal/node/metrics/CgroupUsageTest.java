package dev.ordinal.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.apiserver.nodes.NodeStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CgroupUsageTest {
  static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

  static Stream<Arguments> rates() {
    return Stream.of(
        // earlier cpu ns, later cpu ns, wall ms, expected nanocores (null: no point)
        Arguments.of(0L, 1_000_000_000L, 1000L, 1_000_000_000L), // one full core
        Arguments.of(5_000_000_000L, 5_250_000_000L, 5000L, 50_000_000L), // 50m over a 5 s window
        Arguments.of(0L, 3_000_000_000L, 1500L, 2_000_000_000L), // two cores
        Arguments.of(100L, 100L, 1000L, 0L), // idle
        Arguments.of(9_000L, 1_000L, 1000L, null), // counter went back: a new cgroup
        Arguments.of(0L, 1_000L, 0L, null), // no time between the readings
        Arguments.of(-1L, 1_000L, 1000L, null)); // the earlier reading had no CPU figure
  }

  @ParameterizedTest(name = "{0} → {1} ns in {2} ms")
  @MethodSource("rates")
  void cpuIsARateOverTheWindow(long earlier, long later, long wallMillis, Long nanoCores) {
    Optional<NodeStats.Usage> u = CgroupUsage.between(new CgroupUsage.Reading(T0, earlier, 1),
        new CgroupUsage.Reading(T0.plusMillis(wallMillis), later, 4096));
    if (nanoCores == null) {
      assertThat(u).isEmpty();
      return;
    }
    assertThat(u).get().satisfies(x -> {
      assertThat(x.nanoCores()).isEqualTo(nanoCores);
      assertThat(x.window()).isEqualTo(Duration.ofMillis(wallMillis));
      assertThat(x.timestamp()).isEqualTo(T0.plusMillis(wallMillis));
      assertThat(x.workingSetBytes()).isEqualTo(4096); // memory is the later reading's
    });
  }

  static Stream<Arguments> workingSets() {
    return Stream.of(
        Arguments.of("v2", 10_485_760L, "anon 4194304\nfile 6291456\nactive_file 2097152\ninactive_file 4194304\n", true, 6_291_456L),
        Arguments.of("v1 takes the hierarchical total", 10_485_760L,
            "cache 100\ninactive_file 1\ntotal_inactive_file 1048576\ntotal_active_file 0\n", false, 9_437_184L),
        Arguments.of("no inactive file pages listed", 4096L, "anon 4096\n", true, 4096L),
        Arguments.of("never below zero", 100L, "inactive_file 4096\n", true, 0L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("workingSets")
  void workingSetIsUsageLessInactiveFilePages(String what, long usage, String stat, boolean v2, long expected) {
    assertThat(CgroupUsage.workingSet(usage, stat, v2)).isEqualTo(expected);
  }

  @Test
  void cpuCountersOfBothVersions() {
    assertThat(CgroupUsage.cpuNanosV2("usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n")).isEqualTo(2_500_000);
    assertThat(CgroupUsage.cpuNanosV2("user_usec 1\n")).isEqualTo(-1);
    assertThat(CgroupUsage.cpuNanosV1("123456789\n")).isEqualTo(123_456_789);
    assertThat(CgroupUsage.cpuNanosV1("")).isEqualTo(-1);
  }

  @Test
  void theMachineFromProc() {
    // user nice system idle iowait irq softirq steal: busy = 100+0+50+5+5+0 jiffies = 1.6 s
    assertThat(CgroupUsage.machineCpuNanos("cpu  100 0 50 9000 40 5 5 0 0 0\ncpu0 50 0 25 4500 20 2 2 0 0 0\n"))
        .isEqualTo(1_600_000_000L);
    assertThat(CgroupUsage.machineWorkingSet("MemTotal:       8000000 kB\nMemFree:  100 kB\nMemAvailable:   6000000 kB\n"))
        .isEqualTo(2_000_000L * 1024);
  }

  @Test
  void aSamplerReportsAContainerOnceItHasTwoReadings(@TempDir Path root) throws Exception {
    // a v1 layout as this CI has it: cpuacct and memory controllers apart
    Path cpu = Files.createDirectories(root.resolve("cpuacct/ordinal/uid-1/app-0"));
    Path mem = Files.createDirectories(root.resolve("memory/ordinal/uid-1/app-0"));
    Files.writeString(mem.resolve("memory.usage_in_bytes"), "8388608\n");
    Files.writeString(mem.resolve("memory.stat"), "total_inactive_file 4194304\n");
    Files.writeString(cpu.resolve("cpuacct.usage"), "1000000000\n");
    StatsSampler.Target app = new StatsSampler.Target("uid-1", "app", "/ordinal/uid-1/app-0");
    StatsSampler sampler = new StatsSampler(() -> List.of(app), new CgroupReader(root), Duration.ofSeconds(5));
    sampler.sampleOnce(T0);
    assertThat(sampler.summary().pods()).isEmpty();
    Files.writeString(cpu.resolve("cpuacct.usage"), "3500000000\n");
    sampler.sampleOnce(T0.plusSeconds(5));
    List<NodeStats.ContainerUsage> cs = sampler.summary().pods().get("uid-1");
    assertThat(cs).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("app");
      assertThat(c.usage().nanoCores()).isEqualTo(500_000_000L); // 2.5 s of CPU in 5 s
      assertThat(c.usage().workingSetBytes()).isEqualTo(4_194_304L);
    });
    assertThat(sampler.runningContainers()).isEqualTo(1);
  }
}
