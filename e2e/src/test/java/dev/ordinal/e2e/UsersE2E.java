package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Users by client certificate, end to end: `ordinal kubeconfig` makes a kubeconfig whose
 * certificate kubectl presents, `kubectl auth whoami` names its user and groups, and the audit log
 * in the data directory records what that user wrote and what was refused.
 */
class UsersE2E extends OrdinalE2ETestBase {
  @Test
  void aKubeconfigForAliceAuthenticatesAsAliceInReaders() throws Exception {
    Kubectl.Result made = ordinal.commandStdout("kubeconfig", "--user", "alice", "--group", "readers");
    assertThat(made.exitCode()).as(made.err()).isZero();
    assertThat(made.out()).contains("server: " + ordinal.serverUrl(), "client-certificate-data: ", "client-key-data: ",
        "current-context: alice@ordinal").doesNotContain("token:");
    Path file = work.resolve("alice.kubeconfig");
    Files.writeString(file, made.out());
    Kubectl alice = new Kubectl(file, Files.createDirectories(work.resolve("alice-cache")));

    String who = alice.run("auth", "whoami").ok().out();
    assertThat(who).containsPattern("Username\\s+alice\n").containsPattern("Groups\\s+\\[readers system:authenticated\\]\n")
        .contains("authentication.kubernetes.io/credential-id", "X509SHA256=");
    assertThat(alice.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}").ok().out())
        .isEqualTo("alice [\"readers\",\"system:authenticated\"]");
    // the admin's kubeconfig is untouched and still the admin's
    assertThat(kubectl.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").ok().out()).isEqualTo("admin");
    // RBAC judges alice by her certificate's groups: nothing bound to readers yet, then a binding
    Kubectl.Result forbidden = alice.run("get", "pods");
    assertThat(forbidden.exitCode()).isNotZero();
    assertThat(forbidden.err()).contains("pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" "
        + "in the namespace \"default\"");
    kubectl.run("create", "rolebinding", "readers-view", "--clusterrole=view", "--group=readers").ok();
    await().atMost(Duration.ofSeconds(10)).until(() -> alice.run("get", "pods").exitCode() == 0);
    // the admin acting as alice is recorded as the admin, impersonating alice
    Kubectl.Result impersonated = kubectl.run("--as=alice", "--as-group=readers", "create", "configmap", "by-alice");
    assertThat(impersonated.exitCode()).isNotZero();

    // the audit log names alice for her SelfSubjectReview (a create), and records a refused token
    Path auditLog = ordinal.dataDir().resolve("audit/audit.log");
    Kubectl.Result refused = kubectl.run("--token=not-a-token", "get", "configmaps");
    assertThat(refused.exitCode()).isNotZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String log = Files.readString(auditLog);
      assertThat(log.lines().filter(l -> l.contains("\"resource\":\"selfsubjectreviews\"") && l.contains("\"username\":\"alice\"")
          && l.contains("\"groups\":[\"readers\",\"system:authenticated\"]") && l.contains("\"code\":201"))).isNotEmpty();
      assertThat(log.lines().filter(l -> l.contains("\"verb\":\"list\"") && l.contains("\"username\":\"alice\"")
          && l.contains("\"resource\":\"pods\"") && l.contains("\"reason\":\"Forbidden\"") && l.contains("\"code\":403")))
          .isNotEmpty();
      assertThat(log.lines().filter(l -> l.contains("\"verb\":\"create\"") && l.contains("\"user\":{\"username\":\"admin\"")
          && l.contains("\"impersonatedUser\":{\"username\":\"alice\",\"groups\":[\"readers\",\"system:authenticated\"]}")
          && l.contains("\"resource\":\"configmaps\"") && l.contains("\"code\":403"))).isNotEmpty();
      // kubectl's first request, discovery, is already refused
      assertThat(log.lines().filter(l -> l.contains("\"userAgent\":\"kubectl") && l.contains("\"user\":{}")
          && l.contains("Authentication failed, attempted: bearer") && l.contains("\"code\":401"))).isNotEmpty();
    });
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auditLog))).isEqualTo("rw-------");
  }

  @Test
  void theKubeconfigCanGoToAPrivateFileWithAShortLife() throws Exception {
    Path file = work.resolve("bob.kubeconfig");
    Kubectl.Result made = ordinal.commandStdout("kubeconfig", "--user", "bob", "--group", "dev", "--group", "ops",
        "--expiration", "2h", "--output", file.toString());
    assertThat(made.exitCode()).as(made.err()).isZero();
    assertThat(made.out()).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    Matcher m = Pattern.compile("client-certificate-data: (\\S+)").matcher(Files.readString(file));
    assertThat(m.find()).isTrue();
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=bob,O=ops,O=dev");
    assertThat(cert.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofMinutes(110)), Instant.now().plus(Duration.ofHours(2)));
    Kubectl bob = new Kubectl(file, Files.createDirectories(work.resolve("bob-cache")));
    assertThat(bob.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}").ok().out())
        .isEqualTo("[\"dev\",\"ops\",\"system:authenticated\"]");
  }

  @Test
  void badArgumentsAreRefused() throws Exception {
    Kubectl.Result noUser = ordinal.commandStdout("kubeconfig");
    assertThat(noUser.exitCode()).isNotZero();
    assertThat(noUser.err()).contains("Missing required option: '--user=<user>'");
    Kubectl.Result badExpiry = ordinal.commandStdout("kubeconfig", "--user", "x", "--expiration", "1y");
    assertThat(badExpiry.exitCode()).isEqualTo(2);
    assertThat(badExpiry.err()).contains("--expiration \"1y\" is not a duration");
  }
}
