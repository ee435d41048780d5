package dev.ordinal.apiserver.pki;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * An {@link SSLContext} from a key and its chain held in memory, for a server or for a client
 * that presents a certificate. The JDK's own key
 * managers read keystores, and a PKCS12 keystore — even one that never touches the disk — seals
 * its key with a 10,000-round PBKDF2 when written and again when read: a fifth of the API
 * server's fresh start, for a password that protects nothing the files' permissions do not.
 */
public final class TlsContext {
  private TlsContext() {}

  /**
   * @param chain the key's certificate first, then its issuers
   * @param trust what checks clients' certificates, or null for the JDK's default
   */
  public static SSLContext of(PrivateKey key, List<X509Certificate> chain, TrustManager trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new FixedKeyManager(key, chain.toArray(X509Certificate[]::new))},
          trust == null ? null : new TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** One key, under one alias, offered on either side of a handshake. */
  static final class FixedKeyManager extends X509ExtendedKeyManager {
    static final String ALIAS = "serving";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    FixedKeyManager(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    /** JSSE asks by key type: "EC" (TLS 1.3, 1.2 ECDSA), or "EC_EC" style names for the key and its signer. */
    private boolean fits(String keyType) {
      String algorithm = key.getAlgorithm();
      return keyType != null && (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_"));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return fits(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return fits(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      for (String keyType : keyTypes) {
        if (fits(keyType)) {
          return ALIAS;
        }
      }
      return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
  }
}
