package dev.ordinal.storage.etcd;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where etcd is and how to reach it: the client URLs ({@code --etcd-endpoints}) and, for https
 * endpoints, the CA that signed etcd's serving certificate and the client certificate and key
 * (PEM; the key in PKCS#8, {@code BEGIN PRIVATE KEY}, as {@code openssl pkcs8 -topk8} writes it).
 */
public record EtcdConfig(List<URI> endpoints, Path caFile, Path certFile, Path keyFile) {

  public EtcdConfig {
    if (endpoints == null || endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is needed");
    }
    for (URI u : endpoints) {
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new IllegalArgumentException("etcd endpoint must be http:// or https://: " + u);
      }
      if (u.getPort() < 0 || u.getHost() == null) {
        throw new IllegalArgumentException("etcd endpoint needs a host and a port: " + u);
      }
    }
    endpoints = List.copyOf(endpoints);
  }

  /** Plain endpoints, no TLS. */
  public static EtcdConfig of(List<URI> endpoints) {
    return new EtcdConfig(endpoints, null, null, null);
  }

  /** Parses {@code URL[,URL…]}. */
  public static List<URI> parseEndpoints(String commaSeparated) {
    List<URI> out = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      String s = part.trim();
      if (!s.isEmpty()) {
        out.add(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s));
      }
    }
    return out;
  }

  boolean usesTls() {
    return endpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
  }

  /** The TLS context for https endpoints: the given CA (else the JDK's), the client key if given. */
  SSLContext sslContext() throws IOException, GeneralSecurityException {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile != null) {
      KeyStore roots = KeyStore.getInstance("PKCS12");
      roots.load(null, null);
      int i = 0;
      for (Certificate c : certificates(caFile)) {
        roots.setCertificateEntry("ca-" + i++, c);
      }
      trust.init(roots);
    } else {
      trust.init((KeyStore) null);
    }
    KeyManagerFactory keys = null;
    if (certFile != null && keyFile != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] none = new char[0];
      store.setKeyEntry("client", privateKey(keyFile), none, certificates(certFile).toArray(Certificate[]::new));
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, none);
    } else if (certFile != null || keyFile != null) {
      throw new IllegalArgumentException("--etcd-certfile and --etcd-keyfile go together");
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(pem)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < 0) {
      throw new IllegalArgumentException(pem + ": expected a PKCS#8 key (BEGIN PRIVATE KEY); convert with openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm: PKCS#8 names it inside, but KeyFactory wants it up front
      }
    }
    throw new IllegalArgumentException(pem + ": not an EC, RSA or Ed25519 key");
  }
}
