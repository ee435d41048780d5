package dev.ordinal.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code ordinal up} in its own JVM, on a free port, with its own data directory. Its
 * stderr goes to a log file in the data directory's parent, for post-mortems.
 */
final class OrdinalProcess implements AutoCloseable {
  private final Path dataDir;
  private final Path log;
  private Process process;

  private final String runtime;
  private final List<String> jvmOptions;
  private final List<String> upArguments;

  OrdinalProcess(Path workDir) {
    this(workDir, "none");
  }

  /** @param runtime the --runtime of `ordinal up` */
  OrdinalProcess(Path workDir, String runtime) {
    this(workDir, runtime, List.of());
  }

  /** @param jvmOptions added to the launcher's JVM options (scripts/jvm.options) */
  OrdinalProcess(Path workDir, String runtime, List<String> jvmOptions) {
    this(workDir, runtime, jvmOptions, List.of());
  }

  /** @param upArguments added to `ordinal up`'s arguments */
  OrdinalProcess(Path workDir, String runtime, List<String> jvmOptions, List<String> upArguments) {
    this.upArguments = List.copyOf(upArguments);
    this.dataDir = workDir.resolve("data");
    this.log = workDir.resolve("ordinal.log");
    this.runtime = runtime;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  /** Starts (or restarts) the server and waits until it answers /readyz. */
  OrdinalProcess start() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String options = "@" + Path.of(System.getProperty("ordinal.root", "."), "scripts", "jvm.options").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(java, options));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.ordinal.server.Main",
        "up", "--port", "0", "--data-dir", dataDir.toString(), "--runtime", runtime));
    command.addAll(upArguments);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Files.deleteIfExists(kubeconfig());
    process = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("ordinal up exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      // `up` writes the kubeconfig only once it serves the API
      if (Files.exists(kubeconfig())) {
        return this;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("ordinal up did not become ready:\n" + Files.readString(log));
  }

  Path kubeconfig() {
    return dataDir.resolve("kubeconfig");
  }

  String serverUrl() throws IOException {
    Matcher m = Pattern.compile("server: (\\S+)").matcher(Files.readString(kubeconfig()));
    if (!m.find()) {
      throw new IllegalStateException("no server in kubeconfig");
    }
    return m.group(1);
  }

  /** Runs another `ordinal` command against the same data directory (e.g. `image import`); returns what it printed. */
  String command(String... args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"), "dev.ordinal.server.Main"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--data-dir", dataDir.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new AssertionError("ordinal " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /**
   * Runs another `ordinal` command against the same data directory and returns its stdout alone
   * (e.g. a kubeconfig), with its exit code and stderr.
   */
  Kubectl.Result commandStdout(String... args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"), "dev.ordinal.server.Main"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--data-dir", dataDir.toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes());
      } catch (IOException e) {
        return "";
      }
    });
    String out = new String(p.getInputStream().readAllBytes());
    return new Kubectl.Result(p.waitFor(), out, err.get());
  }

  Path dataDir() {
    return dataDir;
  }

  /** Stops the server: SIGTERM, or with {@code hard} SIGKILL (a crash). */
  void stop(boolean hard) throws InterruptedException {
    if (process == null) {
      return;
    }
    if (hard) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    process.waitFor();
    process = null;
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }


  @Override
  public void close() throws InterruptedException {
    stop(false);
  }
}
