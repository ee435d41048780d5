package dev.ordinal.storage.etcd;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * etcd clusters of Debian's {@code /usr/bin/etcd} on loopback ports chosen at start, each member
 * with its data under one directory: what the tests and {@code bench/run.sh etcd} run against.
 * Members can be stopped (SIGKILL) and started again on the same ports and data; {@link #close}
 * kills them all and deletes the directory. {@link #start(Path, List)} places members elsewhere:
 * on another address, each under a command prefix (a test host's {@code nsenter --net=…}).
 */
public final class LocalEtcd implements AutoCloseable {
  public static final Path BINARY = Path.of(System.getProperty("ordinal.etcd", "/usr/bin/etcd"));

  private final Path dir;
  private final List<Member> members = new ArrayList<>();

  private record Member(String name, Placement at, Path dataDir, Process[] process) {}

  /** Where one member runs: its address and ports, and what its command is run under (nothing for this host). */
  public record Placement(String address, int clientPort, int peerPort, List<String> commandPrefix) {
    public Placement {
      commandPrefix = List.copyOf(commandPrefix);
    }

    String clientUrl() {
      return "http://" + address + ":" + clientPort;
    }

    String peerUrl() {
      return "http://" + address + ":" + peerPort;
    }
  }

  private LocalEtcd(Path dir) {
    this.dir = dir;
  }

  /** Starts {@code size} members and waits until the cluster answers. */
  public static LocalEtcd start(int size) throws IOException, InterruptedException {
    List<Placement> loopback = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      loopback.add(new Placement("127.0.0.1", freePort(), freePort(), List.of()));
    }
    return start(Files.createTempDirectory("ordinal-etcd"), loopback);
  }

  /** Starts one member at each placement, with their data under {@code dir}, and waits until the cluster answers. */
  public static LocalEtcd start(Path dir, List<Placement> placements) throws IOException, InterruptedException {
    LocalEtcd etcd = new LocalEtcd(dir);
    try {
      for (int i = 0; i < placements.size(); i++) {
        etcd.members.add(new Member("m" + i, placements.get(i), dir.resolve("m" + i), new Process[1]));
      }
      for (int i = 0; i < placements.size(); i++) {
        etcd.startMember(i);
      }
      etcd.awaitHealthy(Duration.ofSeconds(30));
      return etcd;
    } catch (IOException | InterruptedException | RuntimeException e) {
      etcd.close();
      throw e;
    }
  }

  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  public List<URI> endpoints() {
    return members.stream().map(m -> URI.create(m.at().clientUrl())).toList();
  }

  public EtcdConfig config() {
    return EtcdConfig.of(endpoints());
  }

  /** {@code URL,URL,…} as {@code --etcd-endpoints} takes it. */
  public String endpointList() {
    return String.join(",", endpoints().stream().map(URI::toString).toList());
  }

  public int size() {
    return members.size();
  }

  /** Starts member {@code i} (again) on its ports and data directory. */
  public void startMember(int i) throws IOException {
    Member m = members.get(i);
    StringBuilder cluster = new StringBuilder();
    for (Member other : members) {
      if (!cluster.isEmpty()) {
        cluster.append(',');
      }
      cluster.append(other.name()).append('=').append(other.at().peerUrl());
    }
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(m.at().commandPrefix());
    command.addAll(List.of(BINARY.toString(),
        "--name", m.name(),
        "--data-dir", m.dataDir().toString(),
        "--listen-client-urls", m.at().clientUrl(),
        "--advertise-client-urls", m.at().clientUrl(),
        "--listen-peer-urls", m.at().peerUrl(),
        "--initial-advertise-peer-urls", m.at().peerUrl(),
        "--initial-cluster", cluster.toString(),
        "--initial-cluster-state", "new",
        "--initial-cluster-token", dir.getFileName().toString(),
        // short timings for loopback: elections within a second of a member's loss
        "--heartbeat-interval", "50", "--election-timeout", "500",
        "--experimental-watch-progress-notify-interval", "5s",
        "--logger", "zap", "--log-outputs", dir.resolve(m.name() + ".log").toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(m.name() + ".out").toFile()));
    m.process()[0] = pb.start();
  }

  /** Kills member {@code i} (SIGKILL), as a crash would. */
  public void killMember(int i) throws InterruptedException {
    Process p = members.get(i).process()[0];
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      members.get(i).process()[0] = null;
    }
  }

  /** Waits until every running member answers {@code /health}. */
  public void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    var http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    try {
      for (int i = 0; i < members.size(); i++) {
        if (members.get(i).process()[0] == null) {
          continue;
        }
        URI health = endpoints().get(i).resolve("/health");
        while (true) {
          Process p = members.get(i).process()[0];
          if (!p.isAlive()) {
            throw new IllegalStateException("etcd member " + i + " exited: see " + dir);
          }
          try {
            var r = http.send(java.net.http.HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().contains("true")) {
              break;
            }
          } catch (IOException e) {
            // not listening yet
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("etcd member " + i + " not healthy within " + timeout);
          }
          Thread.sleep(100);
        }
      }
    } finally {
      http.close();
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < members.size(); i++) {
      try {
        killMember(i);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is under the temporary directory
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
