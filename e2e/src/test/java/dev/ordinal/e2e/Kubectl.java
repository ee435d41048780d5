package dev.ordinal.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl against one Ordinal, with its own discovery cache. */
final class Kubectl {
  static final String BINARY = System.getenv().getOrDefault("KUBECTL", "/usr/bin/kubectl");

  private final String binary;
  private final Path kubeconfig;
  private final Path cacheDir;
  private final List<String> prefix;

  Kubectl(Path kubeconfig, Path cacheDir) {
    this(BINARY, kubeconfig, cacheDir);
  }

  /** A particular kubectl binary, e.g. one of the versioned ones behind the dispatcher. */
  Kubectl(String binary, Path kubeconfig, Path cacheDir) {
    this(List.of(), binary, kubeconfig, cacheDir);
  }

  private Kubectl(List<String> prefix, String binary, Path kubeconfig, Path cacheDir) {
    this.prefix = List.copyOf(prefix);
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  /** The same kubectl run under a command prefix, e.g. {@code ip netns exec NS} to run it on a test host. */
  Kubectl under(List<String> commandPrefix) {
    return new Kubectl(commandPrefix, binary, kubeconfig, cacheDir);
  }

  /** What one kubectl run printed and how it ended. */
  record Result(int exitCode, String out, String err) {
    Result ok() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl failed (" + exitCode + "):\n" + err + "\n" + out);
      }
      return this;
    }
  }

  Result run(String... args) throws IOException, InterruptedException {
    return runWithInput(null, args);
  }

  Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
    Process p = start(args);
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String[] captured = new String[2];
    Thread o = Thread.ofVirtual().start(() -> captured[0] = read(p.getInputStream()));
    Thread e = Thread.ofVirtual().start(() -> captured[1] = read(p.getErrorStream()));
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 120 s");
    }
    o.join();
    e.join();
    return new Result(p.exitValue(), captured[0], captured[1]);
  }

  /**
   * Runs kubectl on a terminal of the given size (script(1) makes one), as a user typing
   * {@code kubectl exec -it} does; returns what the terminal showed, and the exit code.
   */
  Result onTerminal(int columns, int rows, String... args) throws IOException, InterruptedException {
    return onTerminal(columns, rows, null, 0, 0, args);
  }

  /**
   * Runs kubectl on a terminal, as above, and once it has printed {@code resizeAfter} resizes that
   * terminal to {@code newColumns} × {@code newRows}, as a user dragging the window does.
   */
  Result onTerminal(int columns, int rows, String resizeAfter, int newColumns, int newRows, String... args)
      throws IOException, InterruptedException {
    Process p = startOnTerminal(columns, rows, args);
    p.getOutputStream().close();
    StringBuilder out = new StringBuilder();
    byte[] buf = new byte[4096];
    boolean resized = resizeAfter == null;
    for (int n; (n = p.getInputStream().read(buf)) >= 0; ) {
      out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      if (!resized && out.toString().replace("\r\n", "\n").contains(resizeAfter)) {
        resized = true;
        // script's child, the shell that became kubectl, has the terminal as its stdin
        String child = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "task", String.valueOf(p.pid()), "children")).trim().split(" ")[0];
        Path tty = Files.readSymbolicLink(Path.of("/proc", child, "fd", "0"));
        new ProcessBuilder("stty", "-F", tty.toString(), "cols", String.valueOf(newColumns), "rows", String.valueOf(newRows))
            .start().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl on a terminal did not finish in 60 s");
    }
    return new Result(p.exitValue(), out.toString().replace("\r\n", "\n"), "");
  }

  /** Starts kubectl on a terminal of its own (script(1) makes one, of the given size); its stdin is what the user types. */
  private Process startOnTerminal(int columns, int rows, String[] args) throws IOException {
    StringBuilder line = new StringBuilder("stty cols " + columns + " rows " + rows + "; exec");
    List<String> cmd = new ArrayList<>(List.of(binary, "--kubeconfig", kubeconfig.toString(), "--cache-dir", cacheDir.toString()));
    cmd.addAll(List.of(args));
    for (String a : cmd) {
      line.append(" '").append(a.replace("'", "'\\''")).append("'");
    }
    return new ProcessBuilder("script", "--quiet", "--return", "--command", line.toString(), "/dev/null")
        .redirectErrorStream(true).start();
  }

  /** kubectl running on a terminal, typed into as a user does, for {@code run -it} and {@code attach -it}. */
  static final class Terminal implements AutoCloseable {
    private final Process process;
    private final StringBuffer shown = new StringBuffer();
    private final Thread reader;

    private Terminal(Process process) {
      this.process = process;
      this.reader = Thread.ofPlatform().daemon().name("terminal-" + process.pid()).start(() -> {
        byte[] buf = new byte[4096];
        try (var in = process.getInputStream()) {
          for (int n; (n = in.read(buf)) >= 0; ) {
            shown.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          // stopped
        }
      });
    }

    /** Types {@code text} (a line ends with "\r", the Enter key). */
    Terminal type(String text) throws IOException {
      process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
      return this;
    }

    /** Waits until the terminal has shown {@code text}; fails with what it showed. */
    Terminal await(String text, java.time.Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (shown.indexOf(text) < 0) {
        if (System.nanoTime() > end) {
          throw new AssertionError("the terminal did not show \"" + text + "\" in " + timeout.toSeconds() + " s; it showed:\n" + shown());
        }
        Thread.sleep(20);
      }
      return this;
    }

    /** Waits for kubectl to end; its exit code. */
    int awaitExit(java.time.Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("kubectl on a terminal did not end in " + timeout.toSeconds() + " s; it showed:\n" + shown());
      }
      reader.join(5000);
      return process.exitValue();
    }

    String shown() {
      return shown.toString().replace("\r\n", "\n");
    }

    @Override
    public void close() {
      process.destroy();
    }
  }

  /** Starts kubectl on a terminal of the given size, left for the caller to type into. */
  Terminal interactive(int columns, int rows, String... args) throws IOException {
    return new Terminal(startOnTerminal(columns, rows, args));
  }

  /** Starts kubectl without waiting (for -w); the caller reads and destroys it. */
  Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(binary, "--kubeconfig", kubeconfig.toString(), "--cache-dir", cacheDir.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HOME", cacheDir.toString());
    pb.environment().remove("KUBECONFIG");
    return pb.start();
  }

  Result apply(Path dir, String name, String yaml) throws IOException, InterruptedException {
    Path f = dir.resolve(name);
    Files.writeString(f, yaml);
    return run("apply", "-f", f.toString());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException ex) {
      return "";
    }
  }
}
