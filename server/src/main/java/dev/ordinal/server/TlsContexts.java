package dev.ordinal.server;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** SSL contexts of the JDK from the cluster CA and, where one authenticates or serves, a key and its certificate. */
final class TlsContexts {
  private TlsContexts() {}

  /**
   * Trusts {@code ca} only; presents {@code key}+{@code cert} (chained to the CA) when given.
   *
   * @param key null for none
   */
  static SSLContext of(X509Certificate ca, PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      if (key != null) {
        // not a PKCS12 key entry: it seals the key with a 10,000-round PBKDF2 (see TlsContext)
        return dev.ordinal.apiserver.pki.TlsContext.of(key, java.util.List.of(cert, ca), tmf.getTrustManagers()[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
