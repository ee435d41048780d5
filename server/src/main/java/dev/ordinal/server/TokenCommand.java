package dev.ordinal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.pki.Certificates;
import dev.ordinal.client.HttpApiClient;
import dev.ordinal.client.Types;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ordinal token create}: a join token for agents in k3s' secure form,
 * {@code K10<sha256 of the CA bundle /cacerts serves>::<id>.<secret>}. The {@code <id>.<secret>}
 * part is a bootstrap token as kubeadm's, kept as the Secret {@code kube-system/bootstrap-token-<id>};
 * deleting that Secret revokes it.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Join tokens for node agents.",
    subcommands = {TokenCommand.Create.class})
final class TokenCommand implements Runnable {
  @Override
  public void run() {
    System.err.println("ordinal token: use `ordinal token create`");
  }

  /** The CA's hash as a join token pins it: SHA-256 of the PEM bytes {@code /cacerts} serves, in hex. */
  static String caHash(String pem) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a join token and print it.")
  static final class Create implements Callable<Integer> {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    @Option(names = "--data-dir", defaultValue = ".ordinal", description = "The server's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--ttl", defaultValue = "24h", description = "How long the token may join agents; 0 for ever (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Override
    public Integer call() throws Exception {
      Path tls = dataDir.resolve("tls");
      if (!ClusterCa.exists(tls) || !Files.exists(dataDir.resolve("kubeconfig"))) {
        System.err.println("ordinal: no cluster in " + dataDir + ": start it with `ordinal up` first");
        return 2;
      }
      ClusterCa ca = ClusterCa.load(tls);
      String server = Kubeconfig.server(Files.readString(dataDir.resolve("kubeconfig")));
      HttpApiClient client = new HttpApiClient(server, TlsContexts.of(ca.certificate(), null, null), DataDir.open(dataDir).token());
      String id = random(6);
      String secret = random(16);
      ObjectNode s = Json.object().put("apiVersion", "v1").put("kind", "Secret").put("type", JoinEndpoint.BootstrapTokens.TYPE);
      s.putObject("metadata").put("name", "bootstrap-token-" + id).put("namespace", "kube-system");
      ObjectNode data = s.putObject("stringData").put("token-id", id).put("token-secret", secret)
          .put("usage-bootstrap-authentication", "true").put("description", "ordinal agent join token");
      Duration life = ttl.equals("0") ? Duration.ZERO : KubeconfigCommand.parseDuration(ttl);
      if (!life.isZero()) {
        data.put("expiration", Instant.now().plus(life).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      }
      client.create(Types.SECRETS, "kube-system", s);
      System.out.println("K10" + caHash(Certificates.pem(ca.certificate())) + "::" + id + "." + secret);
      return 0;
    }

    private static String random(int n) {
      SecureRandom r = new SecureRandom();
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
      }
      return b.toString();
    }
  }
}
