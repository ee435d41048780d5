package dev.ordinal.server;

import dev.ordinal.apiserver.pki.Certificates;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ordinal kubeconfig --user NAME [--group G]…}: a kubeconfig for a user of this cluster — its
 * server and CA, and a new client certificate (CN = user, O = each group) with its key, signed by
 * the data directory's CA. Needs only the data directory (the CA key, and the server address from
 * the kubeconfig {@code up} wrote), not a running server. Nothing is recorded: a certificate is
 * valid until it expires, as upstream's (there is no revocation), so give short expirations to
 * people who may leave.
 */
@Command(name = "kubeconfig", mixinStandardHelpOptions = true,
    description = "Print a kubeconfig for a user, with a client certificate signed by the cluster CA.")
final class KubeconfigCommand implements Callable<Integer> {
  @Option(names = "--user", required = true, description = "The user name (the certificate's CN).")
  String user;

  @Option(names = "--group", description = "A group of the user (the certificate's O); repeat for several.")
  List<String> groups = new ArrayList<>();

  @Option(names = "--data-dir", defaultValue = ".ordinal", description = "Ordinal's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--expiration", defaultValue = "8760h",
      description = "How long the certificate is valid, e.g. 24h, 90m, 30d (default: ${DEFAULT-VALUE}, a year).")
  String expiration;

  @Option(names = "--server", description = "The API server's URL (default: the one in DATA_DIR/kubeconfig, else https://127.0.0.1:6443).")
  String server;

  @Option(names = {"-o", "--output"}, description = "Write the kubeconfig to this file (mode 0600) instead of stdout.")
  Path output;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    if (user.isBlank()) {
      err.println("ordinal: --user must not be empty");
      return 2;
    }
    if (groups.stream().anyMatch(String::isBlank)) {
      err.println("ordinal: --group must not be empty");
      return 2;
    }
    Duration validity;
    try {
      validity = parseDuration(expiration);
    } catch (IllegalArgumentException e) {
      err.println("ordinal: --expiration " + e.getMessage());
      return 2;
    }
    Path tls = dataDir.resolve("tls");
    if (!ClusterCa.exists(tls)) {
      err.println("ordinal: no cluster CA in " + tls + ": run `ordinal up --data-dir " + dataDir + "` once first");
      return 2;
    }
    ClusterCa ca = ClusterCa.load(tls);
    String url = server != null ? server : serverOf(dataDir.resolve("kubeconfig"));
    KeyPair key = Certificates.newKeyPair();
    X509Certificate cert = ca.issueClient(user, groups, key.getPublic(), validity);
    if (cert.getNotAfter().after(ca.certificate().getNotAfter())) {
      err.println("ordinal: warning: the certificate outlives the cluster CA, which ends " + ca.certificate().getNotAfter().toInstant()
          + "; it will not be accepted after that");
    }
    String kubeconfig = Kubeconfig.renderClientCertificate(url, ca.pem(), user, Certificates.pem(cert), Certificates.pem(key.getPrivate()));
    if (output != null) {
      DataDir.writePrivate(output, kubeconfig);
      err.println("wrote a kubeconfig for " + user + " to " + output + ", valid until " + cert.getNotAfter().toInstant());
    } else {
      System.out.write(kubeconfig.getBytes(StandardCharsets.UTF_8));
      System.out.flush();
    }
    return 0;
  }

  private static String serverOf(Path adminKubeconfig) throws java.io.IOException {
    return Files.exists(adminKubeconfig) ? Kubeconfig.server(Files.readString(adminKubeconfig)) : "https://127.0.0.1:6443";
  }

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|d|h|m|s)");

  /**
   * A duration as Go writes one ({@code 8760h}, {@code 1h30m}, {@code 720h0m0s}), or in days
   * ({@code 30d}); positive.
   */
  static Duration parseDuration(String text) {
    String s = text.strip();
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < s.length() && m.find(at) && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "d" -> 86_400_000L;
        case "h" -> 3_600_000L;
        case "m" -> 60_000L;
        case "s" -> 1_000L;
        default -> 1L;
      };
      total = total.plusMillis(Math.round(n * unit));
      at = m.end();
    }
    if (s.isEmpty() || at != s.length()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a duration such as 8760h, 24h, 90m or 30d");
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("must be longer than 0");
    }
    return total;
  }
}
