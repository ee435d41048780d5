package dev.ordinal.server;

import dev.ordinal.apiserver.pki.Certificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
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
 * {@link ClusterCa} that kubeconfigs and pods' {@code kube-root-ca.crt} trust, made once), and {@code serving.p12}
 * (the key and chain Jetty serves), made again whenever the names it must cover change, the CA
 * changes, or it nears its end. kubectl (client-go) sends a bearer token only over TLS, so the API
 * is always served over HTTPS. The files are protected by the data directory's permissions (0700)
 * and their own (0600), not by the keystore's password.
 */
public final class ServingCertificate {
  static final String PASSWORD = "ordinal";
  private static final String ALIAS = "ordinal";
  private static final Duration SERVING_VALIDITY = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  /** The names in-cluster clients use for the API: the {@code kubernetes} Service's. */
  static final List<String> SERVICE_NAMES = List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local");
  static final String SERVICE_IP = "10.96.0.1";

  private final Path keystore;
  private final X509Certificate ca;

  private ServingCertificate(Path keystore, X509Certificate ca) {
    this.keystore = keystore;
    this.ca = ca;
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
      Path ks = dir.resolve("serving.p12");
      List<String> dns = new ArrayList<>();
      List<String> ips = new ArrayList<>();
      for (String n : subjectAltNames(listen, extraIps)) {
        (n.startsWith("ip:") ? ips : dns).add(n.substring(n.indexOf(':') + 1));
      }
      Path namesFile = dir.resolve("serving.names");
      String wanted = String.join(",", subjectAltNames(listen, extraIps)) + ";ca=" + fingerprint(ca);
      if (!Files.exists(ks) || !Files.exists(namesFile) || !Files.readString(namesFile).equals(wanted) || expiresSoon(ks)) {
        KeyPair serving = Certificates.newKeyPair();
        X509Certificate cert = Certificates.issue(ca, caKey, "kube-apiserver", List.of(), serving.getPublic(), dns, ips,
            Certificates.Usage.SERVER, SERVING_VALIDITY);
        writeKeystore(ks, serving.getPrivate(), cert, ca);
        DataDir.writePrivate(namesFile, wanted);
      }
      return new ServingCertificate(ks, ca);
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

  private static boolean expiresSoon(Path ks) throws IOException, GeneralSecurityException {
    X509Certificate cert = (X509Certificate) load(ks).getCertificate(ALIAS);
    return cert == null || cert.getNotAfter().toInstant().isBefore(java.time.Instant.now().plus(RENEW_BEFORE));
  }

  private static String fingerprint(X509Certificate cert) throws GeneralSecurityException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())).substring(0, 16);
  }

  private static void writeKeystore(Path ks, PrivateKey key, X509Certificate cert, X509Certificate ca)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), new Certificate[] {cert, ca});
    Path tmp = ks.resolveSibling(ks.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(tmp)) {
      store.store(out, PASSWORD.toCharArray());
    }
    Files.move(tmp, ks, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static KeyStore load(Path ks) throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(ks)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      return store;
    }
  }

  public Path keystore() {
    return keystore;
  }

  public String password() {
    return PASSWORD;
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
