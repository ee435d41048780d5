package dev.ordinal.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Long-lived streams held open through the real kubectl, as users leave them: interactive
 * {@code kubectl exec -it} shells on a real terminal (script(1) gives kubectl one), {@code kubectl
 * logs -f} and {@code kubectl port-forward}. Used by the stall benchmark and its e2e test: while
 * these are open the server must keep answering everyone else.
 */
public final class OpenStreams implements AutoCloseable {
  private static final Pattern FORWARDING = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) ->");

  /** One kubectl process and everything it has printed so far. */
  private static final class Stream {
    final Process process;
    final StringBuffer out = new StringBuffer();

    Stream(Process process) {
      this.process = process;
      Thread.ofPlatform().daemon().name("kubectl-out-" + process.pid()).start(this::read);
    }

    private void read() {
      byte[] buf = new byte[4096];
      try (InputStream in = process.getInputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the process was stopped
      }
    }

    /** Waits until the output contains {@code text}; false after the timeout. */
    boolean await(String text, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        if (out.indexOf(text) >= 0) {
          return true;
        }
        Thread.sleep(10);
      }
      return false;
    }
  }

  private final Path kubeconfig;
  private final String namespace;
  private final List<Stream> shells = new ArrayList<>();
  private final List<Stream> logs = new ArrayList<>();
  private final List<Stream> forwards = new ArrayList<>();
  private final List<Integer> forwardedPorts = new ArrayList<>();

  public OpenStreams(Path kubeconfig, String namespace) {
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
  }

  /** Opens {@code n} interactive shells in the pod, each on a terminal of its own, and waits for their prompts. */
  public OpenStreams shells(String pod, int n) throws IOException, InterruptedException {
    for (int i = 0; i < n; i++) {
      String line = "stty cols 100 rows 30; exec kubectl --kubeconfig '" + kubeconfig + "' -n " + namespace
          + " exec -it " + pod + " -- sh";
      // stdin stays a pipe we hold open: what we write is what the user types
      Stream shell = new Stream(new ProcessBuilder("script", "--quiet", "--return", "--command", line, "/dev/null")
          .redirectErrorStream(true).start());
      shells.add(shell);
    }
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // for all of them: a stalled server fails fast
    for (int i = shells.size() - n; i < shells.size(); i++) {
      Duration left = Duration.ofNanos(Math.max(0, end - System.nanoTime()));
      type(i, "echo ready-" + i + "-$((6*7))", "ready-" + i + "-42", left);
    }
    return this;
  }

  /** Follows the pod's log {@code n} times over. */
  public OpenStreams logs(String pod, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      logs.add(new Stream(kubectl("logs", "-f", pod)));
    }
    return this;
  }

  /** Forwards {@code n} local ports to the pod's {@code port} and waits until each one is listening. */
  public OpenStreams forwards(String pod, int port, int n) throws IOException, InterruptedException {
    for (int i = 0; i < n; i++) {
      Stream forward = new Stream(kubectl("port-forward", "pod/" + pod, ":" + port));
      forwards.add(forward);
      if (!forward.await("Forwarding from 127.0.0.1:", Duration.ofSeconds(30))) {
        throw new IllegalStateException("kubectl port-forward did not start: " + forward.out);
      }
      Matcher m = FORWARDING.matcher(forward.out);
      if (!m.find()) {
        throw new IllegalStateException("no local port in: " + forward.out);
      }
      forwardedPorts.add(Integer.parseInt(m.group(1)));
    }
    return this;
  }

  /**
   * Types a command line into shell {@code i} and waits for {@code expected} in its output;
   * returns how long that took, in ms. The expected text should be one the command computes
   * (e.g. {@code $((6*7))}), so the terminal's echo of what was typed does not count.
   */
  public double type(int i, String command, String expected, Duration timeout) throws IOException, InterruptedException {
    Stream shell = shells.get(i);
    long start = System.nanoTime();
    OutputStream in = shell.process.getOutputStream();
    in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    if (!shell.await(expected, timeout)) {
      throw new IllegalStateException("shell " + i + " did not answer \"" + command + "\" in " + timeout.toSeconds()
          + " s; it printed: " + shell.out);
    }
    return (System.nanoTime() - start) / 1e6;
  }

  /** Types into every shell, one after another; returns the slowest answer, in ms. */
  public double typeEverywhere(String tag) throws IOException, InterruptedException {
    double slowest = 0;
    for (int i = 0; i < shells.size(); i++) {
      slowest = Math.max(slowest, type(i, "echo " + tag + "-" + i + "-$((6*7))", tag + "-" + i + "-42", Duration.ofSeconds(30)));
    }
    return slowest;
  }

  /** Fetches {@code path} through every forwarded port; returns how many answered 200. */
  public int fetchThroughForwards(String path) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    int ok = 0;
    for (int port : forwardedPorts) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        ok += r.statusCode() == 200 ? 1 : 0;
      } catch (IOException e) {
        // counted as not answered
      }
    }
    return ok;
  }

  /** How many of the followed logs are still streaming (their kubectl has not ended). */
  public long liveLogs() {
    return logs.stream().filter(s -> s.process.isAlive()).count();
  }

  /** What every stream printed, for a failure's message. */
  public String transcript() {
    StringBuilder b = new StringBuilder();
    shells.forEach(s -> b.append("shell: ").append(tail(s.out)).append('\n'));
    forwards.forEach(s -> b.append("port-forward: ").append(tail(s.out)).append('\n'));
    return b.toString();
  }

  private static String tail(StringBuffer out) {
    return out.length() <= 400 ? out.toString() : out.substring(out.length() - 400);
  }

  private Process kubectl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "-n", namespace));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Override
  public void close() {
    for (List<Stream> streams : List.of(shells, logs, forwards)) {
      for (Stream s : streams) {
        s.process.descendants().forEach(ProcessHandle::destroyForcibly);
        s.process.destroyForcibly();
      }
    }
  }
}
