package dev.ordinal.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.apiserver.pki.Certificates;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientCertificatesTest {
  private static final KeyPair CA_KEY = Certificates.newKeyPair();
  private static final X509Certificate CA = Certificates.selfSignedCa("ordinal-ca", CA_KEY, Duration.ofDays(3650));
  private static final ClientCertificates CERTS = new ClientCertificates(List.of(CA));

  private static X509Certificate client(String cn, List<String> groups, Certificates.Usage usage) {
    return Certificates.issue(CA, CA_KEY.getPrivate(), cn, groups, Certificates.newKeyPair().getPublic(), List.of(), List.of(),
        usage, Duration.ofDays(1));
  }

  @Test
  void aCertificateOfTheCaNamesItsCommonNameInItsOrganizationsAndAuthenticated() {
    X509Certificate cert = client("alice", List.of("readers", "dev"), Certificates.Usage.CLIENT);
    var outcome = CERTS.authenticate(new X509Certificate[] {cert});
    assertThat(outcome).isInstanceOf(ClientCertificates.Outcome.Authenticated.class);
    UserInfo user = ((ClientCertificates.Outcome.Authenticated) outcome).user();
    assertThat(user.username()).isEqualTo("alice");
    assertThat(user.uid()).isEmpty();
    // the certificate's order of O values, then system:authenticated (upstream's group adder)
    assertThat(user.groups()).containsExactly("readers", "dev", "system:authenticated");
    assertThat(user.extra()).isEqualTo(Map.of("authentication.kubernetes.io/credential-id",
        List.of("X509SHA256=" + ClientCertificates.fingerprint(cert))));
    assertThat(ClientCertificates.fingerprint(cert)).hasSize(64);
  }

  @Test
  void theChainMayCarryTheCaItself() {
    X509Certificate cert = client("bob", List.of(), Certificates.Usage.CLIENT);
    var outcome = CERTS.authenticate(new X509Certificate[] {cert, CA});
    assertThat(((ClientCertificates.Outcome.Authenticated) outcome).user().groups()).containsExactly("system:authenticated");
  }

  @Test
  void groupsAlreadyHoldingAuthenticatedAreNotDoubled() {
    var user = ClientCertificates.userOf(client("c", List.of("system:authenticated", "x"), Certificates.Usage.CLIENT)).orElseThrow();
    assertThat(user.groups()).containsExactly("system:authenticated", "x");
  }

  @Test
  void namesWithCommasAndQuotesComeBackUnescaped() {
    var user = ClientCertificates.userOf(client("Smith, \"Al\"+x", List.of("a=b", "c\\d"), Certificates.Usage.CLIENT)).orElseThrow();
    assertThat(user.username()).isEqualTo("Smith, \"Al\"+x");
    assertThat(user.groups()).containsExactly("a=b", "c\\d", "system:authenticated");
  }

  @Test
  void aCertificateOfAnotherCaIsRejected() {
    KeyPair otherKey = Certificates.newKeyPair();
    X509Certificate other = Certificates.selfSignedCa("ordinal-ca", otherKey, Duration.ofDays(10));
    X509Certificate cert = Certificates.issue(other, otherKey.getPrivate(), "mallory", List.of("system:masters"),
        Certificates.newKeyPair().getPublic(), List.of(), List.of(), Certificates.Usage.CLIENT, Duration.ofDays(1));
    var outcome = CERTS.authenticate(new X509Certificate[] {cert, other});
    assertThat(outcome).isInstanceOf(ClientCertificates.Outcome.Rejected.class);
    assertThat(((ClientCertificates.Outcome.Rejected) outcome).reason()).contains("unknown authority");
  }

  @Test
  void aSelfSignedCertificateIsRejected() {
    KeyPair key = Certificates.newKeyPair();
    X509Certificate self = Certificates.selfSignedCa("admin", key, Duration.ofDays(1));
    assertThat(CERTS.authenticate(new X509Certificate[] {self})).isInstanceOf(ClientCertificates.Outcome.Rejected.class);
  }

  @Test
  void aServerCertificateIsNotForClients() {
    var outcome = CERTS.authenticate(new X509Certificate[] {client("kube-apiserver", List.of(), Certificates.Usage.SERVER)});
    assertThat(((ClientCertificates.Outcome.Rejected) outcome).reason()).contains("incompatible key usage");
  }

  @Test
  void anExpiredOrNotYetValidCertificateIsRejected() {
    X509Certificate cert = client("alice", List.of(), Certificates.Usage.CLIENT);
    var later = new ClientCertificates(List.of(CA), Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC));
    assertThat(later.authenticate(new X509Certificate[] {cert})).isInstanceOf(ClientCertificates.Outcome.Rejected.class);
    var earlier = new ClientCertificates(List.of(CA), Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC));
    assertThat(earlier.authenticate(new X509Certificate[] {cert})).isInstanceOf(ClientCertificates.Outcome.Rejected.class);
  }

  @Test
  void aRememberedChainIsStillCheckedForExpiry() {
    X509Certificate cert = client("erin", List.of(), Certificates.Usage.CLIENT);
    Instant[] now = {Instant.now()};
    var certs = new ClientCertificates(List.of(CA), new Clock() {
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now[0]; }
    });
    X509Certificate[] chain = {cert};
    assertThat(certs.authenticate(chain)).isInstanceOf(ClientCertificates.Outcome.Authenticated.class);
    // the same chain again, as a connection's next request presents it: remembered
    assertThat(certs.authenticate(new X509Certificate[] {cert})).isEqualTo(certs.authenticate(chain));
    now[0] = now[0].plus(Duration.ofDays(2));
    assertThat(certs.authenticate(chain)).isInstanceOf(ClientCertificates.Outcome.Rejected.class);
  }

  @Test
  void withoutACommonNameNobodyIsNamed() {
    var outcome = CERTS.authenticate(new X509Certificate[] {client("", List.of("system:masters"), Certificates.Usage.CLIENT)});
    assertThat(((ClientCertificates.Outcome.Rejected) outcome).reason()).contains("no common name");
  }

  @Test
  void noCertificateIsAbsent() {
    assertThat(CERTS.authenticate(null)).isInstanceOf(ClientCertificates.Outcome.Absent.class);
    assertThat(CERTS.authenticate(new X509Certificate[0])).isInstanceOf(ClientCertificates.Outcome.Absent.class);
  }

  @Test
  void theAuthenticatorTakesTheCertificateFirstAndTheTokenWhenTheCertificateFails() {
    Authenticator authenticator = new Authenticator("admin-token", null, CERTS);
    X509Certificate alice = client("alice", List.of(), Certificates.Usage.CLIENT);
    assertThat(authenticator.authenticate("Bearer admin-token", new X509Certificate[] {alice}).orElseThrow().username())
        .isEqualTo("alice");
    assertThat(authenticator.authenticate(null, new X509Certificate[] {alice}).orElseThrow().username()).isEqualTo("alice");
    assertThat(authenticator.authenticate("Bearer admin-token", null).orElseThrow()).isEqualTo(UserInfo.ADMIN);
    X509Certificate server = client("x", List.of(), Certificates.Usage.SERVER);
    assertThat(authenticator.authenticate("Bearer admin-token", new X509Certificate[] {server}).orElseThrow())
        .isEqualTo(UserInfo.ADMIN);
    assertThat(authenticator.authenticate(null, new X509Certificate[] {server})).isEmpty();
    assertThat(authenticator.authenticate("Bearer wrong", null)).isEmpty();
  }
}
