package dev.ordinal.server;

import dev.ordinal.apiserver.pki.Certificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The cluster CA of a data directory's {@code tls/}: {@code ca.crt} and {@code ca.key} (0600),
 * made once by the first {@code ordinal up}. It signs the serving certificate, and the client
 * certificates that name users ({@code ordinal kubeconfig}); kubeconfigs and pods trust it.
 */
record ClusterCa(X509Certificate certificate, PrivateKey key) {
  private static final Duration VALIDITY = Duration.ofDays(3650);

  /** Loads the CA of {@code dir}, making it when there is none yet. */
  static ClusterCa ensure(Path dir) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    if (exists(dir)) {
      return load(dir);
    }
    KeyPair kp = Certificates.newKeyPair();
    ClusterCa ca = new ClusterCa(Certificates.selfSignedCa("ordinal-ca", kp, VALIDITY), kp.getPrivate());
    DataDir.writePrivate(dir.resolve("ca.key"), Certificates.pem(ca.key()));
    DataDir.writePrivate(dir.resolve("ca.crt"), Certificates.pem(ca.certificate()));
    return ca;
  }

  static boolean exists(Path dir) {
    return Files.exists(dir.resolve("ca.crt")) && Files.exists(dir.resolve("ca.key"));
  }

  /** Loads the CA of {@code dir}; it must exist. */
  static ClusterCa load(Path dir) throws IOException, GeneralSecurityException {
    return new ClusterCa(Certificates.parseCertificate(Files.readString(dir.resolve("ca.crt"))),
        Certificates.parsePrivateKey(Files.readString(dir.resolve("ca.key")), "EC"));
  }

  /** A client certificate naming a user as the API server reads it: CN = user, one O per group. */
  X509Certificate issueClient(String user, List<String> groups, PublicKey subjectKey, Duration validity) {
    return Certificates.issue(certificate, key, user, groups, subjectKey, List.of(), List.of(), Certificates.Usage.CLIENT, validity);
  }

  String pem() {
    return Certificates.pem(certificate);
  }
}
