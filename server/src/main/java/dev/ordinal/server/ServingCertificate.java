package dev.ordinal.server;

import dev.ordinal.apiserver.pki.Certificates;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster CA and the API server's serving certificate it signs, made in-process (see
 * {@link Certificates}) and kept in {@code <data-dir>/tls}: {@code ca.crt}/{@code ca.key} (the
 * {@link ClusterCa} that kubeconfigs and pods' {@code kube-root-ca.crt} trust, made once), and
 * {@code serving.crt}/{@code serving.key} (the chain and key Jetty serves, PEM as kube-apiserver's
 * {@code --tls-cert-file}/{@code --tls-private-key-file}), made again whenever the names it must
 * cover change, the CA changes, or it nears its end. kubectl (client-go) sends a bearer token only
 * over TLS, so the API is always served over HTTPS. The files are protected by the data
 * directory's permissions (0700) and their own (0600). A PKCS12 keystore is not used: its
 * password would protect nothing the permissions do not, and its 10,000-round PBKDF2, paid when
 * writing and again when Jetty loads it, was a fifth of a fresh start.
 */
public final class ServingCertificate {
  private static final Duration SERVING_VALIDITY = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  /** The names in-cluster clients use for the API: the {@code kubernetes} Service's. */
  static final List<String> SERVICE_NAMES = List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local");
  static final String SERVICE_IP = "10.96.0.1";

  private final X509Certificate ca;
  private final X509Certificate serving;
  private final PrivateKey key;

  private ServingCertificate(X509Certificate ca, X509Certificate serving, PrivateKey key) {
    this.ca = ca;
    this.serving = serving;
    this.key = key;
  }

  /**
   * Loads the CA (making it on first start) and a serving certificate covering loopback, the host
   * name, {@code listen}, the {@code kubernetes} Service's names and address, and {@code extraIps}
   * (the node's bridge address, where pods reach the API).
   */
  public static ServingCertificate ensure(Path dir, String listen, List<String> extraIps) throws IOException {
    Files.createDirectories(dir);
    try {
      ClusterCa clusterCa = ClusterCa.ensure(dir);
      X509Certificate ca = clusterCa.certificate();
      PrivateKey caKey = clusterCa.key();
      Path certFile = dir.resolve("serving.crt");
      Path keyFile = dir.resolve("serving.key");
      Files.deleteIfExists(dir.resolve("serving.p12")); // an older data directory's keystore
      List<String> dns = new ArrayList<>();
      List<String> ips = new ArrayList<>();
      for (String n : subjectAltNames(listen, extraIps)) {
        (n.startsWith("ip:") ? ips : dns).add(n.substring(n.indexOf(':') + 1));
      }
      Path namesFile = dir.resolve("serving.names");
      String wanted = String.join(",", subjectAltNames(listen, extraIps)) + ";ca=" + fingerprint(ca);
      if (Files.exists(certFile) && Files.exists(keyFile) && Files.exists(namesFile) && Files.readString(namesFile).equals(wanted)) {
        X509Certificate cert = Certificates.parseCertificate(Files.readString(certFile));
        if (cert.getNotAfter().toInstant().isAfter(java.time.Instant.now().plus(RENEW_BEFORE))) {
          return new ServingCertificate(ca, cert, Certificates.parsePrivateKey(Files.readString(keyFile), "EC"));
        }
      }
      KeyPair serving = Certificates.newKeyPair();
      X509Certificate cert = Certificates.issue(ca, caKey, "kube-apiserver", List.of(), serving.getPublic(), dns, ips,
          Certificates.Usage.SERVER, SERVING_VALIDITY);
      DataDir.writePrivate(keyFile, Certificates.pem(serving.getPrivate()));
      DataDir.writePrivate(certFile, Certificates.pem(cert) + Certificates.pem(ca));
      DataDir.writePrivate(namesFile, wanted);
      return new ServingCertificate(ca, cert, serving.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make or read the certificates in " + dir + ": " + e.getMessage(), e);
    }
  }

  static Set<String> subjectAltNames(String listen, List<String> extraIps) {
    Set<String> names = new LinkedHashSet<>(List.of("ip:127.0.0.1", "ip:::1", "dns:localhost"));
    try {
      names.add("dns:" + InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      // no host name: loopback names suffice
    }
    if (!listen.equals("0.0.0.0") && !listen.equals("::")) {
      names.add(listen.matches("[0-9.]+|.*:.*") ? "ip:" + listen : "dns:" + listen);
    }
    SERVICE_NAMES.forEach(n -> names.add("dns:" + n));
    names.add("ip:" + SERVICE_IP);
    extraIps.forEach(ip -> names.add("ip:" + ip));
    return names;
  }

  private static String fingerprint(X509Certificate cert) throws GeneralSecurityException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())).substring(0, 16);
  }

  /** What the API server serves: the key, its certificate then the CA's, and the CA whose client certificates name users. */
  public dev.ordinal.apiserver.ApiServer.Tls tls() {
    return new dev.ordinal.apiserver.ApiServer.Tls(key, List.of(serving, ca), ca);
  }

  /** The serving certificate. */
  public X509Certificate certificate() {
    return serving;
  }

  /** The cluster CA. */
  public X509Certificate ca() {
    return ca;
  }

  /** The CA in PEM: kubeconfig's certificate-authority-data (before base64) and pods' ca.crt. */
  public String pem() {
    return Certificates.pem(ca);
  }
}
