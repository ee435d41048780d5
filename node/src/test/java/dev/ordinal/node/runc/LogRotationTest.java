package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.node.runc.LogRotation.LogFile;
import dev.ordinal.node.runc.LogRotation.Plan;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogRotationTest {
  static final LogRotation.Limits LIMITS = new LogRotation.Limits(100, 3);
  static final Instant NOW = Instant.parse("2026-12-02T14:00:00.123456Z");
  static final String NEW = "container.log.20261202-140000.123456";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("small: nothing", List.of(new LogFile("container.log", 100)), Plan.NOTHING),
        Arguments.of("too big: rotated", List.of(new LogFile("container.log", 101)), new Plan(NEW, List.of())),
        Arguments.of("too big with one rotated already: both kept (3 files with the new current)",
            List.of(new LogFile("container.log", 150), new LogFile("container.log.20261202-130000.000000", 120)), new Plan(NEW, List.of())),
        Arguments.of("too big with two rotated: the oldest goes",
            List.of(new LogFile("container.log", 150), new LogFile("container.log.20261202-130000.000000", 120),
                new LogFile("container.log.20261202-120000.000000", 120)),
            new Plan(NEW, List.of("container.log.20261202-120000.000000"))),
        Arguments.of("limit lowered: old ones go without a rotation",
            List.of(new LogFile("container.log", 10), new LogFile("container.log.a", 1), new LogFile("container.log.b", 1),
                new LogFile("container.log.c", 1)),
            new Plan(null, List.of("container.log.a"))),
        Arguments.of("no current file: nothing to rotate", List.of(), Plan.NOTHING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, List<LogFile> files, Plan expected) {
    assertThat(LogRotation.plan(files, LIMITS, NOW)).isEqualTo(expected);
  }

  @Test
  void logsAreReadOldestFirstThenTheCurrentOne() {
    assertThat(LogRotation.readingOrder(List.of("container.log", "ctl", "container.log.20261202-140000.000001",
        "container.log.20261202-130000.000000"))).containsExactly("container.log.20261202-130000.000000",
        "container.log.20261202-140000.000001", "container.log");
  }
}
