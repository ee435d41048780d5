package dev.ordinal.bench;

import dev.ordinal.client.HttpApiClient;
import dev.ordinal.client.Types;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real {@code ordinal server} processes on one etcd, each on a free loopback port with its own data
 * directory; the second and later get the first's CA, ServiceAccount key and token copied in, as
 * docs/multi-node.md tells an operator to. For the failover benchmark and ServerFailoverE2E.
 */
public final class ServerProcesses implements AutoCloseable {
  private final Path work;
  private final String etcdEndpoints;
  private final List<Server> servers = new ArrayList<>();

  public ServerProcesses(Path work, String etcdEndpoints) {
    this.work = work;
    this.etcdEndpoints = etcdEndpoints;
  }

  /** One server process. */
  public final class Server {
    private final String name;
    private final Path dir;
    private final Path log;
    private Process process;

    Server(String name) {
      this.name = name;
      this.dir = work.resolve(name).resolve("data");
      this.log = work.resolve(name).resolve("server.log");
    }

    public String name() {
      return name;
    }

    public Path dataDir() {
      return dir;
    }

    public Path kubeconfig() {
      return dir.resolve("kubeconfig");
    }

    public String url() throws IOException {
      Matcher m = Pattern.compile("server: (\\S+)").matcher(Files.readString(kubeconfig()));
      if (!m.find()) {
        throw new IllegalStateException("no server in " + kubeconfig());
      }
      return m.group(1);
    }

    public String token() throws IOException {
      return Files.readString(dir.resolve("token")).trim();
    }

    /** Starts the process; returns its exit code if it ended within the wait, else -1 once it serves. */
    public int launch(List<String> extra) throws Exception {
      Files.createDirectories(dir.getParent());
      Files.deleteIfExists(kubeconfig());
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path options = Path.of(System.getProperty("ordinal.root", "."), "scripts", "jvm.options").toAbsolutePath();
      List<String> command = new ArrayList<>(List.of(java));
      if (Files.exists(options)) {
        command.add("@" + options);
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.ordinal.server.Main", "server", "--port", "0",
          "--data-dir", dir.toString(), "--etcd-endpoints", etcdEndpoints));
      command.addAll(extra);
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          return process.exitValue();
        }
        if (Files.exists(kubeconfig())) {
          return -1;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("ordinal server " + name + " did not become ready:\n" + log());
    }

    /** SIGKILL: the process dies without releasing anything. */
    public void kill() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
        process.waitFor();
      }
    }

    /** SIGTERM: the server hands its Leases over and leaves the Endpoints. */
    public void stop() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor();
        }
      }
    }

    public boolean alive() {
      return process != null && process.isAlive();
    }

    public String log() throws IOException {
      return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Whether this server's log says it took the lease held as {@code identity}. */
    public boolean holds(String identity) throws IOException {
      return !identity.isEmpty() && log().contains(identity + " leads");
    }
  }

  /** A server with its secrets copied from the first one (none for the first), started and serving. */
  public Server start(String name) throws Exception {
    Server s = add(name);
    if (servers.size() > 1) {
      copySecrets(servers.getFirst(), s);
    }
    int code = s.launch(List.of());
    if (code >= 0) {
      throw new IllegalStateException("ordinal server " + name + " exited with " + code + ":\n" + s.log());
    }
    return s;
  }

  /** A server not started yet. */
  public Server add(String name) {
    Server s = new Server(name);
    servers.add(s);
    return s;
  }

  /** What docs/multi-node.md has an operator copy from the first server to the others. */
  public static void copySecrets(Server from, Server to) throws IOException {
    Files.createDirectories(to.dir.resolve("tls"));
    for (String f : new String[] {"token", "sa.key", "tls/ca.crt", "tls/ca.key"}) {
      Files.copy(from.dir.resolve(f), to.dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public List<Server> servers() {
    return List.copyOf(servers);
  }

  /** A client over every server (the admin token), failing over as agents do. */
  public HttpApiClient client() throws Exception {
    Server first = servers.getFirst();
    List<String> urls = new ArrayList<>();
    for (Server s : servers) {
      if (Files.exists(s.kubeconfig())) {
        urls.add(s.url());
      }
    }
    return new HttpApiClient(urls, KubeconfigTrust.sslContext(Files.readString(first.kubeconfig())), first.token());
  }

  /** The holder of a kube-system Lease ("" when none or unreadable). */
  public static String holder(HttpApiClient client, String lease) {
    try {
      return client.find(Types.LEASES, "kube-system", lease).map(l -> l.path("spec").path("holderIdentity").asText("")).orElse("");
    } catch (RuntimeException e) {
      return "";
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Server s : servers) {
      s.kill();
    }
  }
}
