package dev.ordinal.apiserver.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriLogTest {
  static final List<String> LINES = List.of(
      "2026-11-23T03:42:54.015860843+00:00 stdout F hello",
      "2026-11-23T03:42:55.000000000+00:00 stderr F to-stderr",
      "2026-11-23T03:42:56.000000000+00:00 stdout P partial-",
      "2026-11-23T03:42:56.100000000+00:00 stdout F continued",
      "2026-11-23T03:42:57.000000000+00:00 stdout P no-newline-yet");

  static String render(CriLog.Options o) {
    return new String(CriLog.render(LINES, o), StandardCharsets.UTF_8);
  }

  @Test
  void joinsContinuedLinesAndKeepsBothStreams() {
    assertThat(render(CriLog.Options.ALL)).isEqualTo("hello\nto-stderr\npartial-continued\nno-newline-yet");
  }

  @Test
  void honoursTailTimestampsSinceAndLimit() {
    assertThat(render(new CriLog.Options(false, null, 2, -1))).isEqualTo("partial-continued\nno-newline-yet");
    assertThat(render(new CriLog.Options(true, null, 1, -1))).isEqualTo("2026-11-23T03:42:57.000000000+00:00 no-newline-yet");
    assertThat(render(new CriLog.Options(false, Instant.parse("2026-11-23T03:42:55Z"), -1, -1)))
        .isEqualTo("to-stderr\npartial-continued\nno-newline-yet");
    assertThat(render(new CriLog.Options(false, null, -1, 3))).isEqualTo("hel");
  }
}
