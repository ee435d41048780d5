package dev.ordinal.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Kubeconfigs for one Ordinal cluster: the one {@code up} writes (cluster, user and context all
 * named "ordinal", the admin token) and those {@code ordinal kubeconfig} prints for a user (a
 * client certificate and its key, user NAME, context NAME@ordinal). Same cluster entry in both.
 */
final class Kubeconfig {
  static final String CLUSTER = "ordinal";

  private Kubeconfig() {}

  /** The admin's kubeconfig: the bearer token of the data directory. */
  static String render(String serverUrl, String caPem, String token) {
    return render(serverUrl, caPem, "ordinal", "ordinal", "    token: " + token + "\n");
  }

  /** A user's kubeconfig: a client certificate (PEM) and its private key (PEM). */
  static String renderClientCertificate(String serverUrl, String caPem, String user, String certificatePem, String keyPem) {
    return render(serverUrl, caPem, user, user + "@" + CLUSTER,
        "    client-certificate-data: " + base64(certificatePem) + "\n" + "    client-key-data: " + base64(keyPem) + "\n");
  }

  private static String render(String serverUrl, String caPem, String user, String context, String credentials) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %s
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
        %scontexts:
        - name: %s
          context:
            cluster: %s
            user: %s
            namespace: default
        current-context: %s
        preferences: {}
        """.formatted(CLUSTER, serverUrl, base64(caPem), quoted(user), credentials, quoted(context), CLUSTER, quoted(user),
            quoted(context));
  }

  /** The cluster's server address in a kubeconfig this class wrote. */
  static String server(String kubeconfig) throws IOException {
    JsonNode doc = Json.YAML.readTree(kubeconfig);
    for (JsonNode cluster : doc.path("clusters")) {
      if (cluster.path("name").asText().equals(CLUSTER)) {
        String server = cluster.path("cluster").path("server").asText("");
        if (!server.isEmpty()) {
          return server;
        }
      }
    }
    throw new IOException("the kubeconfig names no server for cluster \"" + CLUSTER + "\"");
  }

  /**
   * A YAML scalar for a name: plain when it is a safe word (the admin's "ordinal", "alice"),
   * otherwise double-quoted JSON (valid YAML) so that user names such as {@code system:node:a}
   * or {@code "a b"} read back as written.
   */
  static String quoted(String name) {
    return name.matches("[A-Za-z0-9][A-Za-z0-9._@-]*") ? name : Json.string(name);
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
