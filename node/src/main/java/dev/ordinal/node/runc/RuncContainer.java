package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.nodes.ExecTerminal;
import dev.ordinal.apiserver.nodes.PodExec;
import dev.ordinal.node.images.Unpacker;
import dev.ordinal.threads.Blocking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one container, kept on disk so that a restarted agent finds it again: its bundle
 * (config.json and an overlay root over the image's layers) under the pod's directory, conmon supervising
 * runc, the log in Kubernetes' CRI format and the exit code that conmon writes when the process
 * ends. Each run has a fresh writable layer, as a restarted container has on Kubernetes.
 */
final class RuncContainer {
  private static final Logger log = LoggerFactory.getLogger(RuncContainer.class);

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Tools tools;
  private final String id;
  private final Path dir;
  private final Path exitDir;

  /** The host programs, found once. */
  record Tools(Path runc, Path conmon, Path socketDir) {}

  /**
   * The process's own standard streams as its spec asks: stdin kept open by conmon for attaching
   * (closed after the first attach with {@code stdinOnce}), and a terminal with {@code tty}.
   */
  record Stdio(boolean stdin, boolean stdinOnce, boolean tty) {
    static final Stdio NONE = new Stdio(false, false, false);
  }

  /** The bundle annotation naming the image's stop signal (containerd's name for it). */
  static final String STOP_SIGNAL = "io.containerd.image.config.stop-signal";

  RuncContainer(Tools tools, String id, Path dir, Path exitDir) {
    this.tools = tools;
    this.id = id;
    this.dir = dir;
    this.exitDir = exitDir;
  }

  String id() {
    return id;
  }

  Path rootfs() {
    return dir.resolve("merged");
  }

  Path log() {
    return dir.resolve(LogRotation.CURRENT);
  }

  Path dir() {
    return dir;
  }

  /**
   * Has conmon reopen its log file after a rotation renamed it: message 2 (REOPEN_LOGS_EVENT) on
   * the run's {@code ctl} FIFO. Written by a shell under a timeout, since opening a FIFO whose
   * reader is gone would block for ever.
   */
  void reopenLog() throws IOException {
    Path ctl = dir.resolve("ctl");
    HostCommand.check(List.of("timeout", "2", "sh", "-c", "printf '2 0 0\\n' > \"$1\"", "sh", ctl.toString()), TIMEOUT);
  }

  /** Mounts a fresh root over the image's layers, writes the config (its root made this run's), has conmon create the container, and starts it. */
  void start(ObjectNode config, List<Path> layers, Stdio stdio) throws IOException {
    Files.createDirectories(exitDir);
    Files.deleteIfExists(exitDir.resolve(id));
    for (String d : List.of("upper", "work", "merged")) {
      Files.createDirectories(dir.resolve(d));
    }
    if (!mounted(rootfs())) {
      // the image's layers, top first (a host image has one, see HostRoot)
      String lower = String.join(":", layers.reversed().stream().map(Path::toString).toList());
      HostCommand.check(List.of("mount", "-t", "overlay", "overlay", "-o",
          "lowerdir=" + lower + ",upperdir=" + dir.resolve("upper") + ",workdir=" + dir.resolve("work"), rootfs().toString()), TIMEOUT);
    }
    config.with("root").put("path", rootfs().toString());
    Files.write(dir.resolve("config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    Files.deleteIfExists(log());
    List<String> conmon = new java.util.ArrayList<>(List.of(tools.conmon().toString(), "--api-version", "1", "--cid", id,
        "--cuuid", id, "--name", id, "--runtime", tools.runc().toString(), "--bundle", dir.toString(),
        "--log-path", log().toString(), "--exit-dir", exitDir.toString(),
        "--container-pidfile", dir.resolve("pidfile").toString(), "--conmon-pidfile", dir.resolve("conmon.pid").toString(),
        "--socket-dir-path", tools.socketDir().toString(), "--persist-dir", dir.toString(), "--syslog=false", "--log-level", "error"));
    conmon.addAll(ContainerAttach.conmonArgs(stdio.stdin(), stdio.stdinOnce(), stdio.tty()));
    HostCommand.Result created = HostCommand.run(conmon, TIMEOUT);
    if (!created.ok()) {
      throw new IOException("creating container " + id + " failed: " + created.why());
    }
    awaitCreated();
    HostCommand.Result started = HostCommand.run(List.of(tools.runc().toString(), "start", id), TIMEOUT);
    if (!started.ok()) {
      throw new IOException("starting container " + id + " failed: " + started.why() + runcLog());
    }
    Files.writeString(dir.resolve("started"), Instant.now().toString());
  }

  /** conmon returns once it has detached, which can be before runc has created the container. */
  private void awaitCreated() throws IOException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (HostCommand.run(List.of(tools.runc().toString(), "state", id), TIMEOUT).ok()) {
        return;
      }
      if (exitCode().isPresent()) {
        throw new IOException("creating container " + id + " failed" + runcLog());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while creating " + id);
      }
    }
    throw new IOException("container " + id + " was not created within " + TIMEOUT.toSeconds() + " s" + runcLog());
  }

  private String runcLog() {
    try {
      String text = Files.readString(log()).strip();
      return text.isEmpty() ? "" : " (" + text.lines().reduce((a, b) -> b).orElse("") + ")";
    } catch (IOException e) {
      return "";
    }
  }

  /** The container's process on the host (conmon's pidfile), once created. */
  java.util.OptionalLong pid() {
    try {
      return java.util.OptionalLong.of(Long.parseLong(Files.readString(dir.resolve("pidfile")).strip()));
    } catch (IOException | NumberFormatException e) {
      return java.util.OptionalLong.empty();
    }
  }

  /** When this run started, or null before it has. */
  Instant startedAt() {
    try {
      return Instant.parse(Files.readString(dir.resolve("started")).strip());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The exit code once the process has ended. */
  OptionalInt exitCode() {
    Path f = exitDir.resolve(id);
    try {
      String s = Files.readString(f).strip();
      return s.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(s));
    } catch (IOException | NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  Instant finishedAt() {
    try {
      FileTime t = Files.getLastModifiedTime(exitDir.resolve(id));
      return t.toInstant();
    } catch (IOException e) {
      return Instant.now();
    }
  }

  /** Whether runc knows the container (created, running or stopped but not deleted). */
  boolean exists() throws IOException {
    return HostCommand.run(List.of(tools.runc().toString(), "state", id), TIMEOUT).ok();
  }

  /** Whether the kernel killed it for exceeding its memory limit (cgroup v1's OOM counter). */
  boolean oomKilled(String cgroupsPath) {
    Path control = Path.of("/sys/fs/cgroup/memory").resolve(cgroupsPath.substring(1)).resolve("memory.oom_control");
    try {
      return Files.readAllLines(control).stream().anyMatch(l -> l.startsWith("oom_kill ") && !l.endsWith(" 0"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The signal that asks this container to stop: its image's STOPSIGNAL, else TERM (as runc kill names them). */
  String stopSignal() {
    try {
      String named = Json.MAPPER.readTree(dir.resolve("config.json").toFile()).path("annotations").path(STOP_SIGNAL).asText("");
      return named.isEmpty() ? "TERM" : named.replaceFirst("^SIG", "");
    } catch (IOException e) {
      return "TERM";
    }
  }

  void signal(String signal) throws IOException {
    HostCommand.run(List.of(tools.runc().toString(), "kill", id, signal), TIMEOUT);
  }

  /** Runs a command inside the running container; the result carries its exit code and output. */
  /**
   * Gives the running container's cgroup new limits ({@code runc update}, which writes the
   * cgroup files of either cgroup version and keeps runc's own record of them), without a restart.
   */
  void update(com.fasterxml.jackson.databind.node.ObjectNode linuxResources) throws IOException {
    HostCommand.Result r = HostCommand.run(List.of(tools.runc().toString(), "update", "--resources", "-", id), java.util.Map.of(),
        dev.ordinal.api.Json.MAPPER.writeValueAsString(linuxResources), TIMEOUT);
    if (!r.ok()) {
      throw new IOException("runc update: " + r.why());
    }
  }

  HostCommand.Result exec(List<String> command, Duration timeout) throws IOException {
    return HostCommand.run(Stream.concat(Stream.of(tools.runc().toString(), "exec", id), command.stream()).toList(), timeout);
  }

  /**
   * Attaches to the container's own process (see {@link ContainerAttach}) until it ends or the
   * calling thread is interrupted.
   */
  void attachMain(java.io.InputStream stdin, java.io.OutputStream stdout, java.io.OutputStream stderr, ExecTerminal terminal)
      throws IOException {
    ContainerAttach.attach(new ContainerAttach.Endpoints(id, tools.socketDir().resolve(id), dir.resolve("ctl"), log()),
        stdin, stdout, stderr, terminal, () -> exitCode().isPresent());
  }

  /**
   * Runs a command inside the container with its streams attached: stdin copied in (then closed),
   * stdout and stderr copied out as they come. Returns the command's exit code.
   */
  int attach(List<String> command, java.io.InputStream stdin, java.io.OutputStream stdout, java.io.OutputStream stderr,
      ExecTerminal terminal) throws IOException {
    Path ttyProcess = terminal == null ? null : ttyProcess(command, terminal.size());
    List<String> exec = terminal == null
        ? Stream.concat(Stream.of(tools.runc().toString(), "exec", id), command.stream()).toList()
        : List.of(tools.runc().toString(), "exec", "--process", ttyProcess.toString(), id);
    ProcessBuilder pb = new ProcessBuilder(exec);
    if (terminal != null) {
      // runc exec --tty needs a terminal to copy from: script(1) gives it one, sized as the client's
      PodExec.TerminalSize size = terminal.size();
      String inner = "stty cols " + size.columns() + " rows " + size.rows() + "; exec "
          + exec.stream().map(RuncContainer::shellQuote).collect(java.util.stream.Collectors.joining(" "));
      pb = new ProcessBuilder("script", "--quiet", "--return", "--command", inner, "/dev/null");
    }
    ProcessBuilder builder = pb;
    Process p = Blocking.call(builder::start);
    if (terminal != null) {
      terminal.onResize(s -> resizeTerminal(p, s));
    }
    // Each pipe blocks in native reads and writes: each is copied on a platform thread of its own,
    // so an open session holds no virtual-thread carrier however long it waits for input or output.
    Thread in = Blocking.start("exec-stdin-" + id, () -> feed(stdin, p.getOutputStream()));
    CompletableFuture<Void> err = Blocking.async("exec-stderr-" + id, () -> copy(p.getErrorStream(), stderr));
    CompletableFuture<Void> out = Blocking.async("exec-stdout-" + id, () -> copy(p.getInputStream(), stdout));
    try {
      out.get();
      int code = p.onExit().get().exitValue();
      err.get();
      return code;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      p.destroyForcibly();
      throw new IOException("exec failed: " + e.getCause());
    } finally {
      in.interrupt(); // it may still wait for input the command no longer reads
      if (ttyProcess != null) {
        Files.deleteIfExists(ttyProcess);
      }
    }
  }

  /**
   * The process of an {@code exec -it}: the container's own (user, env, cwd, capabilities) with
   * the command, a terminal and the client's size set before it starts — {@code runc exec --tty}
   * sizes the terminal only after the command runs, which under load it saw as 0x0.
   */
  private Path ttyProcess(List<String> command, PodExec.TerminalSize size) throws IOException {
    ObjectNode process = ((ObjectNode) Json.MAPPER.readTree(dir.resolve("config.json").toFile()).path("process")).deepCopy();
    var args = process.putArray("args");
    command.forEach(args::add);
    process.put("terminal", true);
    process.putObject("consoleSize").put("height", size.rows()).put("width", size.columns());
    var env = Json.MAPPER.createArrayNode();
    process.path("env").forEach(e -> {
      if (!e.asText().startsWith("TERM=")) {
        env.add(e);
      }
    });
    env.add("TERM=xterm");
    process.set("env", env);
    Path file = Files.createTempFile(dir, "exec-", ".json");
    Files.write(file, Json.MAPPER.writeValueAsBytes(process));
    return file;
  }

  /**
   * Copies what the client types to the command as it arrives: each chunk is flushed at once
   * (the process's stdin is buffered, and an interactive shell must see a line when it is typed,
   * not after 8 KiB), and the command's stdin is closed at the end of the input.
   */
  private static void feed(java.io.InputStream from, java.io.OutputStream to) {
    try (to) {
      if (from == null) {
        return;
      }
      byte[] buf = new byte[8192];
      int n;
      while ((n = from.read(buf)) >= 0) {
        to.write(buf, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // the command stopped reading
    }
  }

  /**
   * Resizes the terminal script(1) made for {@code runc exec --tty}: the kernel signals the resize
   * to runc (SIGWINCH), which passes the new size on to the command's own terminal in the container.
   */
  private static void resizeTerminal(Process script, PodExec.TerminalSize size) {
    try {
      // script's child holds the terminal: the shell that became runc exec
      String children = Files.readString(Path.of("/proc", String.valueOf(script.pid()), "task", String.valueOf(script.pid()), "children")).trim();
      if (children.isEmpty()) {
        return;
      }
      Path tty = Files.readSymbolicLink(Path.of("/proc", children.split(" ")[0], "fd", "0"));
      if (tty.toString().startsWith("/dev/pts/")) {
        HostCommand.run(List.of("stty", "-F", tty.toString(), "cols", String.valueOf(size.columns()), "rows", String.valueOf(size.rows())),
            TIMEOUT);
      }
    } catch (IOException e) {
      log.debug("resizing an exec terminal failed: {}", e.getMessage());
    }
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static void copy(java.io.InputStream from, java.io.OutputStream to) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = from.read(buf)) >= 0) {
        to.write(buf, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // the reader went away; the process ends on its own
    }
  }

  /** Deletes the container from runc and unmounts its root; its log and exit code stay for the record. */
  void delete() throws IOException {
    HostCommand.run(List.of(tools.runc().toString(), "delete", "--force", id), TIMEOUT);
    if (mounted(rootfs())) {
      HostCommand.run(List.of("umount", "-l", rootfs().toString()), TIMEOUT);
    }
    Unpacker.deleteTree(dir.resolve("upper"));
    Unpacker.deleteTree(dir.resolve("work"));
  }

  static boolean mounted(Path path) throws IOException {
    String target = path.toAbsolutePath().normalize().toString();
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
      return lines.map(l -> l.split(" ")).anyMatch(f -> f.length > 1 && f[1].equals(target));
    }
  }


}
