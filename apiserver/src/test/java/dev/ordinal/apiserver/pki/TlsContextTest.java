package dev.ordinal.apiserver.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** Keys held in memory serve and authenticate in a real TLS handshake, on both sides, for TLS 1.3 and 1.2. */
class TlsContextTest {
  static final KeyPair CA_KEY = Certificates.newKeyPair();
  static final X509Certificate CA = Certificates.selfSignedCa("test-ca", CA_KEY, Duration.ofDays(1));

  static X509TrustManager trustingTheCa() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", CA);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  @Test
  void aServerAndAClientPresentTheirCertificates() throws Exception {
    for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
      KeyPair serverKey = Certificates.newKeyPair();
      X509Certificate server = Certificates.issue(CA, CA_KEY.getPrivate(), "server", List.of(), serverKey.getPublic(),
          List.of("localhost"), List.of("127.0.0.1"), Certificates.Usage.SERVER, Duration.ofDays(1));
      KeyPair clientKey = Certificates.newKeyPair();
      X509Certificate client = Certificates.issue(CA, CA_KEY.getPrivate(), "system:node:n1", List.of("system:nodes"),
          clientKey.getPublic(), List.of(), List.of(), Certificates.Usage.CLIENT, Duration.ofDays(1));
      try (SSLServerSocket listener = (SSLServerSocket) TlsContext.of(serverKey.getPrivate(), List.of(server, CA), trustingTheCa())
          .getServerSocketFactory().createServerSocket(0)) {
        listener.setNeedClientAuth(true);
        listener.setEnabledProtocols(new String[] {protocol});
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
          try (SSLSocket s = (SSLSocket) listener.accept(); InputStream in = s.getInputStream()) {
            in.read();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        try (SSLSocket s = (SSLSocket) TlsContext.of(clientKey.getPrivate(), List.of(client, CA), trustingTheCa())
            .getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort()); OutputStream out = s.getOutputStream()) {
          s.setEnabledProtocols(new String[] {protocol});
          out.write(1);
          out.flush();
          assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName())
              .as(protocol).contains("CN=server");
          assertThat(seen.get(10, TimeUnit.SECONDS)).as(protocol).contains("CN=system:node:n1");
        }
      }
    }
  }
}
