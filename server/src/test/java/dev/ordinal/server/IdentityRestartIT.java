package dev.ordinal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordinal.apiserver.pki.Certificates;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restart on the same data directory keeps: the CA, the serving certificate and the tokens issued. */
class IdentityRestartIT {
  @TempDir Path dir;

  static KubernetesClient client(ControlPlane plane) throws Exception {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(plane.dataDir().kubeconfig()))).build();
  }

  @Test
  void aRestartKeepsTheCaTheCertificateAndTheTokens() throws Exception {
    Path data = dir.resolve("data");
    String token;
    String ca;
    byte[] keystore;
    try (ControlPlane plane = ControlPlane.start(DataDir.open(data), "127.0.0.1", 0); KubernetesClient c = client(plane)) {
      token = c.serviceAccounts().inNamespace("default").withName("default")
          .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
      ca = Files.readString(data.resolve("tls/ca.crt"));
      keystore = Files.readAllBytes(data.resolve("tls/serving.crt"));
    }
    try (ControlPlane plane = ControlPlane.start(DataDir.open(data), "127.0.0.1", 0); KubernetesClient c = client(plane)) {
      assertThat(Files.readString(data.resolve("tls/ca.crt"))).isEqualTo(ca);
      assertThat(Files.readAllBytes(data.resolve("tls/serving.crt"))).isEqualTo(keystore);
      assertThat(c.namespaces().withName("default").get()).isNotNull(); // the kubeconfig still trusts the server
      Config withToken = Config.fromKubeconfig(Files.readString(plane.dataDir().kubeconfig()));
      withToken.setOauthToken(token);
      try (KubernetesClient sa = new KubernetesClientBuilder().withConfig(withToken).build()) {
        // the old token still authenticates: RBAC answers 403 (it may not list pods), not 401
        assertThatThrownBy(() -> sa.pods().inNamespace("default").list())
            .isInstanceOfSatisfying(io.fabric8.kubernetes.client.KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        // and the bootstrap policy came back with the restart
        assertThat(c.rbac().clusterRoles().withName("view").get().getRules()).isNotEmpty();
      }
      assertThat(Certificates.parseCertificate(ca).getSubjectX500Principal().getName()).isEqualTo("CN=ordinal-ca");
    }
  }
}
