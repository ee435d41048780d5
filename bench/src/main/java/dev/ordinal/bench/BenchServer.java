package dev.ordinal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real `ordinal up` in its own JVM, with the launcher's JVM options, and an HTTPS client for it. */
final class BenchServer implements AutoCloseable {
  private final Path work;
  private final String runtime;
  private Process process;
  String base;
  String token;
  HttpClient http;

  private final List<String> upArgs;

  BenchServer(Path work, String runtime, String... upArgs) {
    this.work = work;
    this.runtime = runtime;
    this.upArgs = List.of(upArgs);
  }

  /** Starts the server and returns how long it took until /readyz answered ok, in ms. */
  double start() throws Exception {
    Path data = work.resolve("data");
    List<String> up = new ArrayList<>(List.of("up", "--port", "0", "--data-dir", data.toString(), "--runtime", runtime));
    up.addAll(upArgs);
    List<String> command = ordinal(up);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("server.log").toFile()));
    Files.deleteIfExists(data.resolve("kubeconfig"));
    long start = System.nanoTime();
    process = pb.start();
    Path kubeconfig = data.resolve("kubeconfig");
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("server died: " + Files.readString(work.resolve("server.log")));
      }
      if (Files.exists(kubeconfig)) {
        String kc = Files.readString(kubeconfig);
        Matcher s = Pattern.compile("server: (\\S+)").matcher(kc);
        Matcher t = Pattern.compile("token: (\\S+)").matcher(kc);
        // `up` writes the kubeconfig only once it serves the API
        if (s.find() && t.find()) {
          base = s.group(1);
          token = t.group(1);
          http = HttpClient.newBuilder().sslContext(KubeconfigTrust.sslContext(kc)).build();
          break;
        }
      }
      Thread.sleep(5);
    }
    if (http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode() != 200) {
      throw new IllegalStateException("not ready after writing the kubeconfig");
    }
    return (System.nanoTime() - start) / 1e6;
  }

  /**
   * An `ordinal` command in a JVM of its own, started as ./ordinal starts the server: the launcher's
   * JVM options, the server's classpath and start-up cache (bench/run.sh sets both), and
   * BENCH_SERVER_OPTS (e.g. -XX:StartFlightRecording=filename=/tmp/server.jfr to see where the time goes).
   */
  static List<String> ordinal(List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + Path.of(System.getProperty("ordinal.root", "."), "scripts", "jvm.options").toAbsolutePath()));
    String extra = System.getenv("BENCH_SERVER_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    String cache = System.getProperty("ordinal.server.jvm", "");
    if (!cache.isBlank()) {
      command.addAll(List.of(cache.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("ordinal.server.classpath", System.getProperty("java.class.path")),
        "dev.ordinal.server.Main"));
    command.addAll(args);
    return command;
  }

  long pid() {
    return process.pid();
  }

  HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
    return sendAs(token, method, path, contentType, body);
  }

  /** As {@link #send}, with another bearer token. */
  HttpResponse<String> sendAs(String bearer, String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + bearer);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
    }
    return r;
  }

  /** The bridge outlives pods: removes it once no pod of any instance is left on it. */
  static void removeBridgeIfUnused() throws java.io.IOException, InterruptedException {
    Path netnsDir = Path.of("/run/netns");
    try (var netns = Files.isDirectory(netnsDir) ? Files.list(netnsDir) : java.util.stream.Stream.<Path>empty()) {
      if (netns.noneMatch(n -> n.getFileName().toString().startsWith("ordinal-"))) {
        new ProcessBuilder("ip", "link", "delete", "ord0").start().waitFor();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      process.waitFor();
    }
  }
}
