package dev.ordinal.server;

/** The kubeconfig `up` writes: one cluster, user and context, all named "ordinal". */
final class Kubeconfig {
  private Kubeconfig() {}

  static String render(String serverUrl, String caPem, String token) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: ordinal
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: ordinal
          user:
            token: %s
        contexts:
        - name: ordinal
          context:
            cluster: ordinal
            user: ordinal
            namespace: default
        current-context: ordinal
        preferences: {}
        """.formatted(serverUrl,
            java.util.Base64.getEncoder().encodeToString(caPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), token);
  }
}
