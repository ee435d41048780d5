package dev.ordinal.node.images.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of one registry host: the system's CAs plus the configured {@code ca_file}
 * (as containerd adds it to the system pool), a client certificate from {@code cert_file} and
 * {@code key_file} (a PKCS#8 PEM key, RSA or EC), or no verification at all for
 * {@code insecure_skip_verify}.
 */
final class TlsContexts {
  private TlsContexts() {}

  static SSLContext of(RegistryConfig.HostConfig config) throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      javax.net.ssl.KeyManager[] keys = null;
      if (config.certFile() != null && config.keyFile() != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        List<Certificate> chain = new ArrayList<>(certificates(config.certFile()));
        ks.setKeyEntry("client", privateKey(Files.readString(config.keyFile())), new char[0], chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        keys = kmf.getKeyManagers();
      }
      TrustManager[] trust;
      if (config.insecureSkipVerify()) {
        trust = new TrustManager[] {new dev.ordinal.apiserver.pki.TrustAnything()};
      } else if (config.caFile() != null) {
        trust = new TrustManager[] {new Either(system(), custom(certificates(config.caFile())))};
      } else {
        trust = null; // the JDK's default trust store
      }
      ctx.init(keys, trust, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(java.nio.file.Path pem) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
  }

  private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    if (!pem.contains("BEGIN PRIVATE KEY")) {
      throw new GeneralSecurityException("key_file must hold a PKCS#8 key (BEGIN PRIVATE KEY); convert it with openssl pkcs8 -topk8 -nocrypt");
    }
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    } catch (GeneralSecurityException e) {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    }
  }

  private static X509TrustManager system() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  private static X509TrustManager custom(Collection<? extends Certificate> cas) throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    int i = 0;
    for (Certificate c : cas) {
      ks.setCertificateEntry("ca" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  /** Trusts a chain that either manager trusts. */
  private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      first.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        second.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        first.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
      all.addAll(List.of(second.getAcceptedIssuers()));
      return all.toArray(X509Certificate[]::new);
    }
  }
}
