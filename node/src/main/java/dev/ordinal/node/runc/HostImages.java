package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The catalogue of host images: an image name (any tag, any registry prefix) run as the host's own
 * installed software, with the ENTRYPOINT/CMD/env/workdir the official image has, so that the
 * seeds' manifests run unchanged when the software is installed from Debian's packages. Each entry
 * also names the Debian packages that provide it, so a missing one can be reported plainly.
 */
final class HostImages {
  /** What a host image's root is made of (see {@link HostRoot}). */
  enum RootKind {
    /** The host's /usr read-only, a cleaned copy of its /etc, everything else empty. */
    HOST_SYSTEM,
    /** The official BusyBox image's root: the multi-call binary and its applets in /bin, nothing of the host's. */
    BUSYBOX
  }

  /**
   * A catalogue entry: how to run it, what must be installed on the host, and what the official
   * image has that the host's package lacks — files written into its root (a path ending in "/" is
   * a directory) and host files of /etc
   * left out (see {@link HostRoot}); the user it runs as; what its root is made of; and host paths
   * outside /usr its software needs, mounted read-only.
   */
  record Entry(ImageConfig config, List<String> packages, String binary, Map<String, String> files, List<String> removed, String user,
      RootKind root, List<String> hostPaths) {
    Entry(ImageConfig config, List<String> packages, String binary) {
      this(config, packages, binary, Map.of(), List.of(), "");
    }

    Entry(ImageConfig config, List<String> packages, String binary, Map<String, String> files, List<String> removed) {
      this(config, packages, binary, files, removed, "");
    }

    Entry(ImageConfig config, List<String> packages, String binary, Map<String, String> files, List<String> removed, String user) {
      this(config, packages, binary, files, removed, user, RootKind.HOST_SYSTEM, List.of());
    }
  }

  // The official nginx image serves /usr/share/nginx/html (where the seeds mount their volumes) and
  // logs to the console; Debian's serves /var/www/html through sites-enabled/default.
  private static final String NGINX_DEFAULT_SITE = """
      # Ordinal's nginx host image: the official image's default site.
      server {
          listen 80;
          server_name localhost;
          access_log /dev/stdout;
          error_log /dev/stderr;
          location / {
              root /usr/share/nginx/html;
              index index.html index.htm;
          }
          error_page 500 502 503 504 /50x.html;
          location = /50x.html {
              root /usr/share/nginx/html;
          }
      }
      """;

  /**
   * The official image logs to the console. Debian's zookeeper has slf4j-api on its class path but
   * no binding (so SLF4J's no-op logger swallows everything) and leaves the root logger to a
   * property its zkServer.sh never sets. The java launcher reads JDK_JAVA_OPTIONS whatever the
   * scripts and their environment file put on the command line: the API, its log4j binding and
   * log4j itself go on the boot class path together (the binding must see the API it implements),
   * and the root logger goes to the CONSOLE appender that Debian's log4j.properties, found in the
   * conf directory on the class path, defines. A {@code -Dzookeeper.root.logger} in JVMFLAGS still wins.
   */
  static final String ZOOKEEPER_CONSOLE_LOG = "-Xbootclasspath/a:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-log4j12.jar"
      + ":/usr/share/java/log4j-1.2.jar -Dzookeeper.root.logger=INFO,CONSOLE";

  /**
   * Debian installs PostgreSQL's server programs (postgres, initdb, pg_ctl, pg_basebackup,
   * pg_rewind) under a directory per major version, off the PATH; Patroni finds them on the PATH
   * when its bin_dir is not set. The newest installed version, else Debian 12's.
   */
  static String postgresBin(Path root) {
    try (var dirs = Files.list(root)) {
      return dirs.filter(d -> d.getFileName().toString().matches("\\d+") && Files.isExecutable(d.resolve("bin/postgres")))
          .max(java.util.Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
          .map(d -> d.resolve("bin").toString()).orElse(root.resolve("15/bin").toString());
    } catch (IOException e) {
      return root.resolve("15/bin").toString();
    }
  }

  private static final Map<String, Entry> CATALOGUE = Map.of(
      // STOPSIGNAL SIGQUIT, as the official image: nginx finishes the requests under way (SIGTERM drops them)
      "nginx", new Entry(new ImageConfig(List.of(), List.of("nginx", "-g", "daemon off;"),
          Map.of("PATH", ImageConfig.PATH), "/", "SIGQUIT"), List.of("nginx"), "/usr/sbin/nginx",
          // Debian's nginx opens /var/log/nginx/error.log before reading its configuration and keeps
          // request bodies under /var/lib/nginx: the directories an empty /var lacks
          Map.of("/etc/nginx/conf.d/default.conf", NGINX_DEFAULT_SITE, "/var/log/nginx/", "", "/var/lib/nginx/", ""),
          List.of("/etc/nginx/sites-enabled/default")),
      // the official image: CMD ["sh"], its applets in /bin, Docker's default PATH
      "busybox", new Entry(new ImageConfig(List.of(), List.of("sh"),
          Map.of("PATH", ImageConfig.PATH), "/"), List.of("busybox"), "/bin/busybox", Map.of(), List.of(), "", RootKind.BUSYBOX,
          List.of()),
      "mariadb", new Entry(new ImageConfig(List.of(), List.of("mariadbd"),
          Map.of("PATH", ImageConfig.PATH), "/"), List.of("mariadb-server", "mariadb-backup"), "/usr/sbin/mariadbd"),
      "mysql", new Entry(new ImageConfig(List.of(), List.of("mariadbd"),
          Map.of("PATH", ImageConfig.PATH), "/"), List.of("mariadb-server", "mariadb-backup"), "/usr/sbin/mariadbd"),
      "zookeeper", new Entry(new ImageConfig(List.of(), List.of("/usr/share/zookeeper/bin/zkServer.sh", "start-foreground"),
          Map.of("PATH", ImageConfig.PATH + ":/usr/share/zookeeper/bin", "ZOO_CONF_DIR", "/etc/zookeeper/conf",
              "JDK_JAVA_OPTIONS", ZOOKEEPER_CONSOLE_LOG), "/"),
          List.of("zookeeper"), "/usr/share/zookeeper/bin/zkServer.sh"),
      // Patroni has no official image; Patroni's own Dockerfile and Zalando's Spilo run it as the
      // postgres user (PostgreSQL refuses root) with the configuration file given on the command line,
      // here Debian's, as its patroni.service has it.
      "patroni", new Entry(new ImageConfig(List.of(), List.of("patroni", "/etc/patroni/config.yml"),
          Map.of("PATH", ImageConfig.PATH + ":" + postgresBin(Path.of("/usr/lib/postgresql"))), "/"),
          List.of("patroni", "postgresql"), "/usr/bin/patroni", Map.of(), List.of(), "postgres"),
      "debian", new Entry(new ImageConfig(List.of(), List.of("bash"),
          Map.of("PATH", ImageConfig.PATH), "/"), List.of(), "/bin/bash"));

  private HostImages() {}

  /** The names the catalogue knows, for messages. */
  static String known() {
    return String.join(", ", new java.util.TreeSet<>(CATALOGUE.keySet()));
  }

  /**
   * The entry for an image reference such as {@code nginx:1.27}, {@code docker.io/library/nginx},
   * {@code registry.k8s.io/nginx-slim:0.8} or {@code mysql@sha256:…}; empty when unknown.
   */
  static Optional<Entry> lookup(String image) {
    return Optional.ofNullable(CATALOGUE.get(repository(image)));
  }

  /** The last path element of the repository, without tag or digest, and "-slim" style variants. */
  static String repository(String image) {
    String ref = image.toLowerCase(Locale.ROOT);
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    if (colon > slash) {
      ref = ref.substring(0, colon);
    }
    String name = ref.substring(slash + 1);
    int dash = name.indexOf('-');
    return dash > 0 && !CATALOGUE.containsKey(name) ? name.substring(0, dash) : name;
  }
}
