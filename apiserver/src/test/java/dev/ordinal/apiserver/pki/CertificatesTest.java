package dev.ordinal.apiserver.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CertificatesTest {
  private static final KeyPair CA_KEY = Certificates.newKeyPair();
  private static final X509Certificate CA = Certificates.selfSignedCa("ordinal-ca", CA_KEY, Duration.ofDays(3650));

  @Test
  void theCaIsSelfSignedAndACertificateAuthority() throws Exception {
    CA.verify(CA_KEY.getPublic());
    CA.checkValidity();
    assertThat(CA.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(CA.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(CA.getSubjectX500Principal().getName()).isEqualTo("CN=ordinal-ca");
    assertThat(CA.getVersion()).isEqualTo(3);
  }

  @Test
  void aServingCertificateNamesItsHostsAndValidatesAgainstTheCa() throws Exception {
    KeyPair key = Certificates.newKeyPair();
    X509Certificate cert = Certificates.issue(CA, CA_KEY.getPrivate(), "kube-apiserver", List.of(), key.getPublic(),
        List.of("kubernetes", "kubernetes.default.svc.cluster.local"), List.of("10.96.0.1", "::1"), Certificates.Usage.SERVER,
        Duration.ofDays(365));
    cert.verify(CA_KEY.getPublic());
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
        .containsExactly("kubernetes", "kubernetes.default.svc.cluster.local", "10.96.0.1", "0:0:0:0:0:0:0:1");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(CA.getSubjectX500Principal());
    assertThat(cert.getNotAfter()).isAfter(new java.util.Date(System.currentTimeMillis() + Duration.ofDays(364).toMillis()));
    // the JDK's PKIX path validation: what a TLS client trusting only the CA checks
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(CA, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
  }

  @Test
  void aClientCertificateCarriesUserAndGroups() throws Exception {
    X509Certificate cert = Certificates.issue(CA, CA_KEY.getPrivate(), "alice", List.of("readers", "dev"),
        Certificates.newKeyPair().getPublic(), List.of(), List.of(), Certificates.Usage.CLIENT, Duration.ofDays(365));
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=dev,O=readers");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getSubjectAlternativeNames()).isNull();
  }

  @Test
  void pemRoundTrips() throws Exception {
    assertThat(Certificates.parseCertificate(Certificates.pem(CA))).isEqualTo(CA);
    assertThat(Certificates.parsePrivateKey(Certificates.pem(CA_KEY.getPrivate()), "EC")).isEqualTo(CA_KEY.getPrivate());
  }

  @Test
  void longLengthsAndLargeOidArcsEncode() {
    assertThat(Der.element(0x04, new byte[300])).startsWith(0x04, 0x82, 0x01, 0x2c);
    assertThat(Der.oid("1.2.840.10045.4.3.2")).containsExactly(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02);
  }
}
