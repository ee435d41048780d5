package dev.ordinal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KubeconfigTest {
  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @Test
  void theAdminKubeconfigIsAsUpHasAlwaysWrittenIt() {
    assertThat(Kubeconfig.render("https://127.0.0.1:6443", CA, "t0k3n")).isEqualTo("""
        apiVersion: v1
        kind: Config
        clusters:
        - name: ordinal
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority-data: %s
        users:
        - name: ordinal
          user:
            token: t0k3n
        contexts:
        - name: ordinal
          context:
            cluster: ordinal
            user: ordinal
            namespace: default
        current-context: ordinal
        preferences: {}
        """.formatted(Base64.getEncoder().encodeToString(CA.getBytes())));
  }

  @Test
  void aUsersKubeconfigCarriesTheCertificateAndKeyAndReadsBack() throws Exception {
    String yaml = Kubeconfig.renderClientCertificate("https://10.0.0.5:6443", CA, "system:node:a b", "CERT PEM", "KEY PEM");
    JsonNode doc = Json.YAML.readTree(yaml);
    assertThat(doc.path("current-context").asText()).isEqualTo("system:node:a b@ordinal");
    JsonNode user = doc.path("users").get(0);
    assertThat(user.path("name").asText()).isEqualTo("system:node:a b");
    assertThat(new String(Base64.getDecoder().decode(user.path("user").path("client-certificate-data").asText()))).isEqualTo("CERT PEM");
    assertThat(new String(Base64.getDecoder().decode(user.path("user").path("client-key-data").asText()))).isEqualTo("KEY PEM");
    assertThat(user.path("user").has("token")).isFalse();
    assertThat(doc.path("contexts").get(0).path("context").path("user").asText()).isEqualTo("system:node:a b");
    assertThat(Kubeconfig.server(yaml)).isEqualTo("https://10.0.0.5:6443");
    assertThat(Kubeconfig.server(Kubeconfig.render("https://[::1]:6443", CA, "t"))).isEqualTo("https://[::1]:6443");
    assertThat(Kubeconfig.quoted("alice")).isEqualTo("alice");
    assertThat(Kubeconfig.quoted("alice@example.com")).isEqualTo("alice@example.com");
    assertThat(Kubeconfig.quoted("-x")).isEqualTo("\"-x\"");
  }

  @Test
  void expirationsAreGoDurationsOrDays() {
    assertThat(KubeconfigCommand.parseDuration("8760h")).isEqualTo(Duration.ofDays(365));
    assertThat(KubeconfigCommand.parseDuration("720h0m0s")).isEqualTo(Duration.ofDays(30));
    assertThat(KubeconfigCommand.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(KubeconfigCommand.parseDuration("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(KubeconfigCommand.parseDuration("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(KubeconfigCommand.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
    for (String bad : new String[] {"", "1y", "h", "10", "0h", "-1h", "1h 30m"}) {
      assertThatThrownBy(() -> KubeconfigCommand.parseDuration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
