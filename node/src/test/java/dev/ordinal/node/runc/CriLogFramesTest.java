package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What an attached client sees of a CRI log's new entries, however the appended bytes are cut. */
class CriLogFramesTest {
  static final String T = "2026-12-02T14:00:00.000000001Z";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a full line gets its newline back", T + " stdout F hello\n", List.of("stdout:hello\n")),
        Arguments.of("a prompt with no newline stays without one", T + " stdout P / # \n", List.of("stdout:/ # ")),
        Arguments.of("a terminal's CR is the process's own", T + " stdout F hello-42\r\n", List.of("stdout:hello-42\r\n")),
        Arguments.of("streams stay apart", T + " stdout F out\n" + T + " stderr F err\n", List.of("stdout:out\n", "stderr:err\n")),
        Arguments.of("an empty full line is a newline", T + " stdout F \n", List.of("stdout:\n")),
        Arguments.of("a line not in the format is nothing written", "garbage\n", List.of()),
        Arguments.of("an entry not yet ended waits", T + " stdout F hal", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void entriesBecomeWhatTheProcessWrote(String name, String log, List<String> expected) {
    byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
    // all at once, and one byte at a time: the same chunks
    assertThat(strings(new CriLogFrames().feed(bytes, bytes.length))).isEqualTo(expected);
    CriLogFrames frames = new CriLogFrames();
    List<CriLogFrames.Chunk> oneByOne = new ArrayList<>();
    for (byte b : bytes) {
      oneByOne.addAll(frames.feed(new byte[] {b}, 1));
    }
    assertThat(strings(oneByOne)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conmonCases")
  void conmonIsToldOfStdinAndTerminal(String name, RuncContainer.Stdio stdio, List<String> args) {
    assertThat(ContainerAttach.conmonArgs(stdio.stdin(), stdio.stdinOnce(), stdio.tty())).isEqualTo(args);
  }

  static Stream<Arguments> conmonCases() {
    return Stream.of(
        Arguments.of("no stdin, no terminal: nothing", RuncContainer.Stdio.NONE, List.of()),
        Arguments.of("stdin kept open across attaches", new RuncContainer.Stdio(true, false, false), List.of("--stdin", "--leave-stdin-open")),
        Arguments.of("stdinOnce: closed when the attach ends", new RuncContainer.Stdio(true, true, true), List.of("--stdin", "--terminal")),
        Arguments.of("a terminal without stdin", new RuncContainer.Stdio(false, false, true), List.of("--terminal")));
  }

  private static List<String> strings(List<CriLogFrames.Chunk> chunks) {
    return chunks.stream().map(CriLogFrames.Chunk::toString).toList();
  }
}
