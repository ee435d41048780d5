package dev.ordinal.node.runc;

import dev.ordinal.threads.Blocking;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host program (runc, conmon, a CNI plugin, mount) to completion with a time limit, feeding
 * it stdin and collecting what it prints. Output goes through files, not pipes: conmon leaves a
 * daemon behind that would hold a pipe open for the container's whole life.
 */
public final class HostCommand {
  /** What a finished command printed, and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The command's own words for a failure, for errors and events. */
    public String why() {
      String s = stderr.isBlank() ? stdout : stderr;
      return s.strip();
    }
  }

  private HostCommand() {}

  public static Result run(List<String> command, Duration timeout) throws IOException {
    return run(command, Map.of(), null, timeout);
  }

  public static Result run(List<String> command, Map<String, String> env, String stdin, Duration timeout) throws IOException {
    // fork/exec and the wait are native blocking calls: never on a virtual thread's carrier
    try {
      return Blocking.callInterruptibly(() -> runHere(command, env, stdin, timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(command.get(0) + " interrupted");
    }
  }

  private static Result runHere(List<String> command, Map<String, String> env, String stdin, Duration timeout) throws IOException {
    Path out = Files.createTempFile("ordinal-cmd", ".out");
    Path err = Files.createTempFile("ordinal-cmd", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      if (stdin == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      }
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      boolean finished;
      try {
        finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException(command.get(0) + " interrupted");
      }
      if (!finished) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s");
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Runs the command and fails with its own message unless it exits 0. */
  public static String check(List<String> command, Duration timeout) throws IOException {
    Result r = run(command, timeout);
    if (!r.ok()) {
      throw new IOException(String.join(" ", command.subList(0, Math.min(2, command.size()))) + ": " + r.why());
    }
    return r.stdout();
  }
}
